"""The local Neo4j engine: build it from Maven Central, start it in the background, stop it.

Neo4j ships no server tarball on Maven Central, so platgraph runs the engine embedded
(``graph/engine/Launcher.java``) with its Bolt connector bound to loopback. Maven resolves the jars
once into its local repository (``~/.m2``); the launcher class is compiled with ``javac`` into
``$PLATGRAPH_HOME/engine``. Everything the engine writes (store files, logs, pid, password) lives
under ``$PLATGRAPH_HOME``. A user with their own Neo4j never needs any of this: they set
``NEO4J_URI`` and platgraph only talks Bolt.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import EngineError
from graph.i18n import tr
from graph.settings import Settings, ensure_private_dir

ENGINE_SRC = Path(__file__).parent / "engine"
POM = ENGINE_SRC / "pom.xml"
JAVA_DIR = ENGINE_SRC / "src" / "main" / "java" / "platgraph" / "engine"
LAUNCHER_SRC = JAVA_DIR / "Launcher.java"
IMPORT_SRC = JAVA_DIR / "BulkImport.java"
JAVA_SOURCES = (LAUNCHER_SRC, IMPORT_SRC)
MAIN_CLASS = "platgraph.engine.Launcher"
IMPORT_CLASS = "platgraph.engine.BulkImport"

GC_OPTS = {"g1": "-XX:+UseG1GC", "parallel": "-XX:+UseParallelGC"}
JIT_OPTS: dict[str, tuple[str, ...]] = {"full": (), "c1": ("-XX:TieredStopAtLevel=1",)}
JVM_OPTS = (
    "-XX:+ExitOnOutOfMemoryError",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
)


@dataclass(frozen=True)
class EnginePaths:
    home: Path

    @property
    def build(self) -> Path:
        return self.home / "engine"

    @property
    def classes(self) -> Path:
        return self.build / "classes"

    @property
    def classpath_file(self) -> Path:
        return self.build / "classpath.txt"

    @property
    def stamp(self) -> Path:
        return self.build / "build.stamp"

    @property
    def data(self) -> Path:
        return self.home / "neo4j"

    @property
    def pid_file(self) -> Path:
        return self.home / "neo4j.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "neo4j.log"

    @property
    def cds_dump(self) -> Path:
        """Names the class-data sharing archive the running engine will write at its exit, if any."""
        return self.home / "engine-cds.pending"


def _require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise EngineError(
            tr(
                "找不到 {tool}。本地 Neo4j 需要 Java 17 和 Maven（Debian：apt-get install openjdk-17-jdk-headless maven）；"
                "或设置 NEO4J_URI 指向已有的 Neo4j 5（Docker 镜像 neo4j:5.26-community、Neo4j Desktop 或 Aura）。",
                "{tool} not found. The local Neo4j needs Java 17 and Maven (Debian: apt-get install "
                "openjdk-17-jdk-headless maven); or set NEO4J_URI to an existing Neo4j 5 (Docker image "
                "neo4j:5.26-community, Neo4j Desktop or Aura).",
                tool=name,
            )
        )
    return path


def _source_digest() -> str:
    digest = hashlib.sha256()
    for path in (POM, *JAVA_SOURCES):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_built(settings: Settings) -> EnginePaths:
    """Resolve the Neo4j jars with Maven and compile the launcher, once per source change."""
    paths = EnginePaths(settings.home)
    digest = _source_digest()
    if paths.stamp.is_file() and paths.stamp.read_text() == digest and paths.classpath_file.is_file():
        return paths
    mvn = _require_tool("mvn")
    javac = _require_tool("javac")
    paths.classes.mkdir(parents=True, exist_ok=True)
    mvn_cmd = [
        mvn, "-B", "-q", "-f", str(POM), "dependency:build-classpath",
        f"-Dmdep.outputFile={paths.classpath_file}",
    ]
    _run_build(mvn_cmd, "Maven")
    classpath = paths.classpath_file.read_text().strip()
    _run_build([javac, "-encoding", "UTF-8", "-d", str(paths.classes), "-cp", classpath, *map(str, JAVA_SOURCES)], "javac")
    paths.stamp.write_text(digest)
    return paths


def _run_build(cmd: list[str], what: str) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-20:])
        raise EngineError(tr("构建本地 Neo4j 失败（{what}）：\n{tail}", "building the local Neo4j failed ({what}):\n{tail}",
                             what=what, tail=tail))


def ensure_password(settings: Settings) -> Path:
    """Write the password the engine will set: from settings, else keep or generate one (mode 600)."""
    pw_file = settings.password_file
    ensure_private_dir(pw_file.parent)  # the home holds the password, store and logs: owner-only (0700)
    if settings.neo4j_password is not None:
        wanted = settings.neo4j_password.get_secret_value()
    elif pw_file.is_file() and pw_file.read_text(encoding="utf-8").strip():
        return pw_file
    else:
        wanted = secrets.token_urlsafe(24)
    fd = os.open(pw_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(wanted)
    os.chmod(pw_file, 0o600)
    return pw_file


def read_pid(paths: EnginePaths) -> int | None:
    """The engine's pid if the pid file names a live launcher process, else None."""
    try:
        pid = int(paths.pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except (FileNotFoundError, PermissionError):
        try:
            os.kill(pid, 0)
        except OSError:
            return None
        return pid
    return pid if MAIN_CLASS in cmdline else None


def _port_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def start(settings: Settings) -> dict[str, Any]:
    """Start the local engine in the background (no-op if it runs) and wait until Bolt answers."""
    if not settings.uses_local_engine:
        raise EngineError(
            tr("NEO4J_URI（{uri}）不是本机地址：platgraph 不启动外部 Neo4j，请直接使用它。",
               "NEO4J_URI ({uri}) is not local: platgraph does not start an external Neo4j; just use it.",
               uri=settings.neo4j_uri)
        )
    java = _require_tool("java")
    _check_writable(settings.home)  # before building into it: a read-only home is a clear error
    paths = ensure_built(settings)
    pid = read_pid(paths)
    port = settings.bolt_port
    if pid is not None:
        _wait_for_bolt(settings, paths, pid, time.monotonic())
        return {"pid": pid, "started": False, "seconds": 0.0}
    if _port_open("127.0.0.1", port):
        raise EngineError(tr("端口 {port} 已被其他程序占用。", "port {port} is already in use by another program.", port=port))
    pw_file = ensure_password(settings)
    paths.data.mkdir(parents=True, exist_ok=True)
    _check_writable(paths.data)
    launcher, cds_opts = _class_data_sharing(settings, paths)
    classpath = f"{launcher}{os.pathsep}{paths.classpath_file.read_text().strip()}"
    cmd = [
        java, f"-Xms{settings.platgraph_engine_heap}", f"-Xmx{settings.platgraph_engine_heap}",
        GC_OPTS[settings.platgraph_engine_gc], *JIT_OPTS[settings.platgraph_engine_jit], *cds_opts, *JVM_OPTS,
        "-cp", classpath, MAIN_CLASS,
        "--home", str(paths.data), "--host", "127.0.0.1", "--port", str(port),
        "--password-file", str(pw_file), "--pagecache-mb", str(settings.platgraph_engine_pagecache_mb),
    ]
    began = time.monotonic()
    log_offset = paths.log_file.stat().st_size if paths.log_file.exists() else 0
    with open(paths.log_file, "ab") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    paths.pid_file.write_text(str(proc.pid))
    _wait_for_bolt(settings, paths, proc.pid, began, proc=proc, log_offset=log_offset)
    return {"pid": proc.pid, "started": True, "seconds": round(time.monotonic() - began, 2)}


def _class_data_sharing(settings: Settings, paths: EnginePaths) -> tuple[Path, tuple[str, ...]]:
    """Where the launcher's classes come from, and the JVM options for a class-data sharing archive.

    Without ``PLATGRAPH_ENGINE_CDS_DIR``: the home's class directory, no archive. With it, the
    launcher's classes are put into a jar in that directory (an archive can only hold classes of
    jars, and must see the same class path at every start, whatever the home), and the archive
    ``engine-<build>.jsa`` there is used when it exists; otherwise this engine writes it at its exit,
    under a name of its own that :func:`stop` moves into place once the engine has exited cleanly
    (a killed engine leaves no half-written archive). A new build (pom, launcher) gets a new archive;
    one the JVM finds stale (another JDK, jars downloaded again) is ignored: delete the directory.
    """
    paths.cds_dump.unlink(missing_ok=True)
    cds_dir = settings.platgraph_engine_cds_dir
    if cds_dir is None:
        return paths.classes, ()
    cds_dir = cds_dir.resolve()
    cds_dir.mkdir(parents=True, exist_ok=True)
    build = paths.stamp.read_text().strip()[:16]
    jar = cds_dir / f"launcher-{build}.jar"
    if not jar.is_file():
        part = jar.with_name(f"{jar.name}.{secrets.token_hex(6)}.part")
        with zipfile.ZipFile(part, "w") as zf:
            for cls in sorted(paths.classes.rglob("*.class")):
                zf.write(cls, cls.relative_to(paths.classes).as_posix())
        os.replace(part, jar)
    archive = cds_dir / f"engine-{build}.jsa"
    if archive.is_file():
        return jar, (f"-XX:SharedArchiveFile={archive}",)
    part = archive.with_name(f"{archive.name}.{secrets.token_hex(6)}.part")
    paths.cds_dump.write_text(f"{part}\n{archive}\n", encoding="utf-8")
    # the dump names every class it leaves out (those of signed jars, ...): errors only in the log
    return jar, (f"-XX:ArchiveClassesAtExit={part}", "-Xlog:cds*=error")


def _adopt_cds_dump(paths: EnginePaths, *, clean: bool) -> None:
    """After the engine has exited: move the archive it wrote at a clean exit into place."""
    try:
        part_name, archive_name = paths.cds_dump.read_text(encoding="utf-8").split()
    except (FileNotFoundError, ValueError):
        return
    paths.cds_dump.unlink(missing_ok=True)
    part, archive = Path(part_name), Path(archive_name)
    if clean and part.is_file() and part.stat().st_size > 0 and not archive.exists():
        os.replace(part, archive)
    part.unlink(missing_ok=True)


def _check_writable(directory: Path) -> None:
    probe = directory / ".write-test"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise EngineError(tr("数据目录 {dir} 不可写：{err}", "data directory {dir} is not writable: {err}",
                             dir=directory, err=exc.strerror or exc)) from exc


# Neo4j preallocates a 256 MB transaction log per database (system and neo4j) and cannot start a
# database without room for it; below this much free space a failed start is most likely a full disk.
MIN_FREE_MB = 768


def _disk_hint(paths: EnginePaths) -> str:
    """A first line naming a full disk as the likely cause, when it is (tests/test_faults_disk.py)."""
    try:
        free_mb = shutil.disk_usage(paths.data).free // (1024 * 1024)
    except OSError:
        return ""
    if free_mb >= MIN_FREE_MB:
        return ""
    return "\n" + tr("可能原因：磁盘空间不足（{dir} 所在磁盘仅剩 {mb} MB；Neo4j 至少需要约 {need} MB）。",
                     "likely cause: the disk is full ({dir} has {mb} MB free; Neo4j needs about {need} MB).",
                     dir=paths.data, mb=free_mb, need=MIN_FREE_MB)


def _log_tail(paths: EnginePaths, lines: int = 25) -> str:
    try:
        return "\n".join(paths.log_file.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return ""


def _launcher_ready(paths: EnginePaths, log_offset: int) -> bool:
    """The launcher prints its ready line only after it has set the password: until then a login
    would fail and count towards Neo4j's failed-login rate limit."""
    try:
        with open(paths.log_file, "rb") as fh:
            fh.seek(log_offset)
            return READY_MARKER in fh.read()
    except FileNotFoundError:
        return False


READY_MARKER = b"platgraph-engine: ready"


def _wait_for_bolt(settings: Settings, paths: EnginePaths, pid: int, began: float,
                   proc: subprocess.Popen[bytes] | None = None, log_offset: int | None = None) -> None:
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, ClientError, ServiceUnavailable

    deadline = began + settings.platgraph_engine_start_timeout
    password = settings.resolved_password()
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            paths.pid_file.unlink(missing_ok=True)
            _adopt_cds_dump(paths, clean=False)
            raise EngineError(tr("本地 Neo4j 启动失败，日志 {log} 最后几行：\n{tail}",
                                 "the local Neo4j failed to start; last lines of {log}:\n{tail}",
                                 log=paths.log_file, tail=_log_tail(paths)) + _disk_hint(paths))
        waiting_for_launcher = log_offset is not None and not _launcher_ready(paths, log_offset)
        if not waiting_for_launcher and _port_open("127.0.0.1", settings.bolt_port):
            try:
                with GraphDatabase.driver(settings.neo4j_uri, auth=(settings.neo4j_user, password or ""),
                                          connection_timeout=2.0) as driver:
                    driver.verify_connectivity()
                return
            except (ServiceUnavailable, OSError):
                pass
            except (AuthError, ClientError) as exc:
                raise EngineError(tr("本地 Neo4j 拒绝了密码（{pw}）：{err}", "the local Neo4j refused the password in {pw}: {err}",
                                     pw=settings.password_file, err=getattr(exc, "message", exc))) from exc
        time.sleep(0.3)
    raise EngineError(tr("本地 Neo4j 在 {s} 秒内没有就绪，见日志 {log}",
                         "the local Neo4j was not ready within {s} s; see {log}",
                         s=settings.platgraph_engine_start_timeout, log=paths.log_file))


def stop(settings: Settings, timeout: float = 60.0) -> bool:
    """Stop the engine cleanly (SIGTERM runs its shutdown hook); SIGKILL only after ``timeout``.
    Returns False when it was not running."""
    paths = EnginePaths(settings.home)
    pid = read_pid(paths)
    if pid is None:
        paths.pid_file.unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    # an engine writing its class-data sharing archive at exit needs up to a minute more on a busy machine
    deadline = time.monotonic() + timeout + (120 if paths.cds_dump.is_file() else 0)
    clean = True
    while time.monotonic() < deadline:
        if not _alive(pid):
            break
        time.sleep(0.2)
    else:
        os.kill(pid, signal.SIGKILL)
        clean = False
        while _alive(pid):
            time.sleep(0.1)
    paths.pid_file.unlink(missing_ok=True)
    _adopt_cds_dump(paths, clean=clean)
    return True


def kill(settings: Settings) -> bool:
    """SIGKILL the engine, as a crash would (fault tests only)."""
    paths = EnginePaths(settings.home)
    pid = read_pid(paths)
    if pid is None:
        return False
    os.kill(pid, signal.SIGKILL)
    while _alive(pid):
        time.sleep(0.1)
    paths.pid_file.unlink(missing_ok=True)
    _adopt_cds_dump(paths, clean=False)
    return True


def _alive(pid: int) -> bool:
    # Reap it if it is our child, so it does not linger as a zombie.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().split()[2] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def is_running(settings: Settings) -> bool:
    return read_pid(EnginePaths(settings.home)) is not None


def process_rss_mb(settings: Settings) -> float | None:
    """Resident memory of the engine process in MiB (for status and benchmarks)."""
    pid = read_pid(EnginePaths(settings.home))
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def run_import(settings: Settings, args: list[str], *, log: Path, max_off_heap: str = "1g") -> float:
    """Run Neo4j's offline importer (``BulkImport.java`` → ``database import full``) on the local
    engine's store; the engine must be stopped. Returns the seconds it took; raises
    :class:`EngineError` with the importer's last lines when it fails.

    Why a separate JVM with a small heap: the importer keeps its caches off-heap (bounded by
    ``--max-off-heap-memory``), and it must not share a process with a running database.
    """
    paths = ensure_built(settings)
    if read_pid(paths) is not None:
        raise EngineError(tr("离线导入前必须先停止本地 Neo4j。", "the local Neo4j must be stopped before an offline import."))
    java = _require_tool("java")
    classpath = f"{paths.classes}{os.pathsep}{paths.classpath_file.read_text().strip()}"
    cmd = [java, "-Xms256m", "-Xmx1g", *JVM_OPTS, "-cp", classpath, IMPORT_CLASS, "--home", str(paths.data),
           f"--max-off-heap-memory={max_off_heap}", *args]
    began = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, check=False)
    if proc.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
        raise EngineError(tr("离线导入失败（退出码 {code}），日志 {log} 最后几行：\n{tail}",
                             "the offline import failed (exit code {code}); last lines of {log}:\n{tail}",
                             code=proc.returncode, log=log, tail=tail))
    return time.monotonic() - began


IMPORT_REQUEST, IMPORT_DONE, IMPORT_LOG = "bulk-import.request", "bulk-import.done", "bulk-import.log"
FEATURES_FILE = "engine.features"


def engine_features(settings: Settings) -> set[str]:
    """What the running launcher can do (``Launcher.java`` writes them with its pid when ready); an
    engine started by an older build, still running after an upgrade, has none: restart it."""
    paths = EnginePaths(settings.home)
    pid = read_pid(paths)
    try:
        lines = (paths.data / FEATURES_FILE).read_text(encoding="utf-8").split()
    except FileNotFoundError:
        return set()
    if pid is None or f"pid={pid}" not in lines:
        return set()
    return {line for line in lines if not line.startswith("pid=")}


def import_in_engine(settings: Settings, args: list[str], *, timeout: float = 3600.0) -> float:
    """Ask the running launcher to close its database, run the offline importer on it and open it
    again, all in the engine's JVM (``BulkImport.serveRequest``); waits until Bolt answers again.
    Returns the seconds it took; raises :class:`EngineError` with the importer's last lines when it
    fails (the database is open again either way).

    Why in the engine's JVM: stopping the launcher, starting the importer's JVM and starting the
    launcher again costs three JVM starts (tens of seconds on a busy two-core machine); closing and
    opening the embedded database in a warm JVM costs a few seconds.
    """
    paths = EnginePaths(settings.home)
    pid = read_pid(paths)
    if pid is None:
        raise EngineError(tr("本地 Neo4j 未运行。", "the local Neo4j is not running."))
    done, log = paths.data / IMPORT_DONE, paths.data / IMPORT_LOG
    done.unlink(missing_ok=True)
    request = paths.data / IMPORT_REQUEST
    tmp = request.with_suffix(".tmp")
    tmp.write_text("\n".join(args) + "\n", encoding="utf-8")
    began = time.monotonic()
    tmp.rename(request)
    deadline = began + timeout
    while not done.exists():
        if not _alive(pid):
            raise EngineError(tr("本地 Neo4j 在离线导入时退出，日志 {log} 最后几行：\n{tail}",
                                 "the local Neo4j exited during the offline import; last lines of {log}:\n{tail}",
                                 log=paths.log_file, tail=_log_tail(paths)))
        if time.monotonic() > deadline:
            raise EngineError(tr("离线导入超时（{s} 秒）", "the offline import timed out ({s} s)", s=timeout))
        time.sleep(0.2)
    code = int(done.read_text().strip() or "1")
    done.unlink(missing_ok=True)
    _wait_for_bolt(settings, paths, pid, time.monotonic())
    if code != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:]) if log.exists() else ""
        raise EngineError(tr("离线导入失败（退出码 {code}），日志 {log} 最后几行：\n{tail}",
                             "the offline import failed (exit code {code}); last lines of {log}:\n{tail}",
                             code=code, log=log, tail=tail))
    return time.monotonic() - began
