"""Section 2: the structure of the institution collaboration network and the key-industry platform
network figure."""

from __future__ import annotations

from viz.report import charts
from viz.report.context import ReportContext
from viz.report.model import Block, Figure, Heading, Paragraph, Table
from viz.report.network import NetworkStats
from viz.report.platform_network import PlatformNetwork


def network_section(ctx: ReportContext, stats: NetworkStats, pnet: PlatformNetwork) -> list[Block]:
    blocks: list[Block] = [Heading(ctx.t("二、协同网络结构", "2. Network structure"), 1, "network")]
    share = 100.0 * stats.largest_component / stats.connected if stats.connected else 0.0
    blocks.append(Paragraph(ctx.t(
        "单位合作网络：{n} 家单位中有 {c} 家至少有一次合作，共 {e} 对合作关系（{w} 次合作），平均度 {d:.2f}；"
        "网络分为 {k} 个连通分量，最大分量含 {g} 家单位（{s:.1f}%）。",
        "Institution collaboration network: {c} of {n} institutions have at least one collaboration, in {e} "
        "collaborating pairs ({w} collaborations), mean degree {d:.2f}; {k} components, the largest holding "
        "{g} institutions ({s:.1f}%).",
        n=f"{stats.institutions:,}", c=f"{stats.connected:,}", e=f"{stats.edges:,}", w=f"{stats.collaborations:,}",
        d=stats.mean_degree, k=stats.components, g=f"{stats.largest_component:,}", s=share)))
    metrics = [
        (ctx.t("范围内单位数", "Institutions in scope"), stats.institutions),
        (ctx.t("有合作的单位数（网络规模）", "Institutions with collaborations (network size)"), stats.connected),
        (ctx.t("合作关系（单位对）", "Collaborating pairs (edges)"), stats.edges),
        (ctx.t("合作次数合计", "Collaborations (sum of counts)"), stats.collaborations),
        (ctx.t("网络密度", "Density"), round(stats.density, 4)),
        (ctx.t("平均度", "Mean degree"), round(stats.mean_degree, 2)),
        (ctx.t("最大度", "Maximum degree"), stats.max_degree),
        (ctx.t("连通分量数", "Components"), stats.components),
        (ctx.t("最大连通分量规模", "Largest component size"), stats.largest_component),
    ]
    blocks.append(Table(ctx.next_table(ctx.t("合作网络规模与结构", "Size and structure of the collaboration network")),
                        [ctx.t("指标", "Measure"), ctx.t("数值", "Value")], [list(m) for m in metrics],
                        kind="network-stats"))

    blocks.append(Heading(ctx.t("核心单位与桥梁单位", "Central institutions and brokers"), 2))
    blocks.append(Table(
        ctx.next_table(ctx.t("中介中心性最高的单位", "Institutions with the highest betweenness")),
        [ctx.t("序号", "#"), ctx.t("单位", "Institution"), ctx.t("产学研用", "Sector"), ctx.t("合作伙伴数", "Partners"),
         ctx.t("合作次数", "Collaborations"), ctx.t("中介中心性", "Betweenness")],
        [[i, r.name, ctx.labels.sector(r.sector), r.degree, r.weighted_degree, round(r.betweenness, 4)]
         for i, r in enumerate(stats.central, start=1)],
        kind="network-central"))
    blocks.append(Table(
        ctx.next_table(ctx.t("桥梁单位（Burt 约束度最低）", "Brokers (lowest Burt constraint)")),
        [ctx.t("序号", "#"), ctx.t("单位", "Institution"), ctx.t("产学研用", "Sector"), ctx.t("合作伙伴数", "Partners"),
         ctx.t("约束度", "Constraint")],
        [[i, r.name, ctx.labels.sector(r.sector), r.degree, round(r.constraint or 0.0, 4)]
         for i, r in enumerate(stats.brokers, start=1)],
        kind="network-brokers"))

    blocks.append(Heading(ctx.t("重点产业平台网络", "Key-industry platform network"), 2))
    blocks.append(Paragraph(ctx.t(
        "图中红色节点为重点产业，圆点为服务该产业的平台（颜色表示平台类别）；灰线表示平台服务该产业，"
        "蓝线表示两个平台共享依托或共建单位。共 {pt} 个平台服务 {it} 个重点产业，图中显示平台数最多的 {is_} 个产业"
        "及其中共享单位最多的 {ps} 个平台。",
        "Red nodes are key industries, dots are the platforms serving them (colour = category); grey lines: "
        "a platform serves the industry; blue lines: two platforms share a host or co-builder. {pt} platforms "
        "serve {it} key industries; the figure shows the {is_} industries with most platforms and the {ps} "
        "platforms among them with most shared institutions.",
        pt=pnet.platforms_total, it=pnet.industries_total, is_=pnet.industries_shown, ps=pnet.platforms_shown)))
    if ctx.charts:
        legend = {code: ctx.labels.category(code) for code in charts.CATEGORY_COLOURS}
        legend["industry"] = ctx.t("重点产业", "Key industry")
        labels = {key: ctx.labels.industry(key) for kind, key in pnet.graph.nodes if kind == "i"}
        png = charts.network_figure(ctx.t("重点产业平台网络", "Key-industry platform network"), pnet.graph,
                                    labels, legend)
        blocks.append(Figure(ctx.next_figure(ctx.t("重点产业平台网络", "Key-industry platform network")), png,
                             kind="network-figure", width_cm=13.0))
    return blocks
