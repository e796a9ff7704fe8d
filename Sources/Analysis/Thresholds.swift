/// A threshold checked against the night's figures.
public struct ThresholdResult: Sendable {
    public var rule: ThresholdRule
    /// The figure, rounded as `summary.json` writes it; nil when there was nothing to measure.
    public var value: Double?
    public var ok: Bool
    /// The configured matchers its figure depends on that no hit matched.
    public var unmatched: [UnmatchedMatcher] = []

    /// `min 0.02`, `max 0.8`, or `min 0.02, max 0.5`.
    public var limit: String {
        [rule.min.map { "min \(formatLimit($0))" }, rule.max.map { "max \(formatLimit($0))" }]
            .compactMap { $0 }.joined(separator: ", ")
    }

    /// What the threshold is about: `funnel_conversion checkout`, `load_p95_ms checkout`.
    public var title: String {
        ([rule.metric.rawValue] + [rule.funnel, rule.step, rule.page].compactMap { $0 }).joined(separator: " ")
    }
}

public func formatLimit(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
}

/// Checks every configured threshold. A figure that cannot be measured (no
/// sessions, no cart, no timed views) is a breach: a gate never passes for lack of data.
public enum ThresholdEvaluator {
    public static func evaluate(_ rules: [ThresholdRule], results: PartialResult) -> [ThresholdResult] {
        let stats = results.statistics
        func group(_ name: String?) -> PageGroupStatistics? {
            guard let name, let index = results.groupNames.firstIndex(of: name), index < stats.groups.count else { return nil }
            return stats.groups[index]
        }
        func funnel(_ name: String?) -> FunnelStatistics? { stats.funnels.first { $0.steps.name == name } }
        return rules.map { rule in
            var value: Double?
            switch rule.metric {
            case .funnelConversion:
                value = funnel(rule.funnel)?.conversion
            case .stepConversion:
                if let f = funnel(rule.funnel), let k = f.steps.stepNames.firstIndex(where: { $0 == rule.step }) {
                    value = f.conversionFromPrevious(k)
                }
            case .cartAbandonment:
                value = stats.cart?.abandonmentRate
            case .loadP95:
                value = group(rule.page)?.loadTimes.percentileMilliseconds(95)
            case .exitRate:
                value = group(rule.page)?.exitRate
            case .bounceRate:
                value = stats.bounceRate
            case .errorExitRate:
                value = stats.errorExitRate
            case .frustratedSessionRate:
                value = stats.frustratedSessionRate
            }
            let scale = rule.metric == .loadP95 ? 1000.0 : 1_000_000.0
            let rounded = value.map { ($0 * scale).rounded() / scale }
            var ok = rounded != nil
            if let v = rounded {
                if let min = rule.min, v < min { ok = false }
                if let max = rule.max, v > max { ok = false }
            }
            return ThresholdResult(rule: rule, value: rounded, ok: ok)
        }
    }
}
