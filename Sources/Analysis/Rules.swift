import Sessions

/// The configuration's rules the analysis applies.

public struct FunnelStep: Sendable, Equatable {
    public var name: String
    public var matcher: HitMatcher

    public init(name: String, matcher: HitMatcher) {
        self.name = name
        self.matcher = matcher
    }
}

public struct FunnelDefinition: Sendable, Equatable {
    public var name: String
    public var steps: [FunnelStep]

    public init(name: String, steps: [FunnelStep]) {
        self.name = name
        self.steps = steps
    }
}

public struct CartRules: Sendable, Equatable {
    public var add: HitMatcher
    public var purchase: HitMatcher

    public init(add: HitMatcher, purchase: HitMatcher) {
        self.add = add
        self.purchase = purchase
    }
}

public struct ThresholdRule: Sendable, Equatable {
    public enum Metric: String, Sendable, CaseIterable {
        case funnelConversion = "funnel_conversion"
        case stepConversion = "step_conversion"
        case cartAbandonment = "cart_abandonment"
        case loadP95 = "load_p95_ms"
        case exitRate = "exit_rate"
        case bounceRate = "bounce_rate"
        case errorExitRate = "error_exit_rate"
        case frustratedSessionRate = "frustrated_session_rate"
    }
    public var metric: Metric
    public var funnel: String?
    public var step: String?
    public var page: String?
    public var min: Double?
    public var max: Double?
    /// Where the rule stands in the configuration file, for messages.
    public var line: Int

    public init(metric: Metric, funnel: String? = nil, step: String? = nil, page: String? = nil, min: Double? = nil, max: Double? = nil, line: Int) {
        self.metric = metric
        self.funnel = funnel
        self.step = step
        self.page = page
        self.min = min
        self.max = max
        self.line = line
    }
}
