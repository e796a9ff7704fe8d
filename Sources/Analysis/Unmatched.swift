import Sessions

/// A configured matcher that no hit of the run matched (scanners' and too fast sessions left
/// out): a funnel step, the cart's add or purchase, or a page group. Its figures are zeros
/// that say nothing about the visitors, and the outputs say so instead of showing them.
public struct UnmatchedMatcher: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case funnelStep = "funnel_step"
        case cartAdd = "cart_add"
        case cartPurchase = "cart_purchase"
        case pageGroup = "page_group"
    }

    public var kind: Kind
    /// The funnel of a step.
    public var funnel: String?
    /// The step's or the page group's name; `add` or `purchase` for the cart.
    public var name: String
    public var matcher: HitMatcher

    public init(kind: Kind, funnel: String? = nil, name: String, matcher: HitMatcher) {
        self.kind = kind
        self.funnel = funnel
        self.name = name
        self.matcher = matcher
    }

    /// Where it is configured: `funnels[checkout].purchase`, `cart.add`, `pages[confirmation]`.
    public var key: String {
        switch kind {
        case .funnelStep: return "funnels[\(funnel ?? "")].\(name)"
        case .cartAdd: return "cart.add"
        case .cartPurchase: return "cart.purchase"
        case .pageGroup: return "pages[\(name)]"
        }
    }

    /// `POST ^/cart/add$ ?(^|&)action=add`: what it matches, as configured.
    public var pattern: String {
        ([matcher.method, matcher.path].compactMap { $0 } + [matcher.query.map { "?" + $0 }].compactMap { $0 }).joined(separator: " ")
    }

    /// `the purchase step of funnel checkout`, `the cart's add`, `page group confirmation`.
    public var subject: String {
        switch kind {
        case .funnelStep: return "the \(name) step of funnel \(funnel ?? "")"
        case .cartAdd: return "the cart's add"
        case .cartPurchase: return "the cart's purchase"
        case .pageGroup: return "page group \(name)"
        }
    }
}

extension RunResult {
    /// The unmatched matchers a threshold's figure depends on.
    public func unmatched(for rule: ThresholdRule) -> [UnmatchedMatcher] {
        unmatched.filter { item in
            switch rule.metric {
            case .funnelConversion:
                return item.kind == .funnelStep && item.funnel == rule.funnel
            case .stepConversion:
                // Steps are reached in order: a step before it that matched nothing leaves it at zero too.
                guard item.kind == .funnelStep, item.funnel == rule.funnel else { return false }
                let steps = results.statistics.funnels.first { $0.steps.name == rule.funnel }?.steps.stepNames ?? []
                guard let target = steps.firstIndex(of: rule.step ?? ""), let index = steps.firstIndex(of: item.name) else { return false }
                return index <= target
            case .cartAbandonment:
                return item.kind == .cartAdd || item.kind == .cartPurchase
            case .loadP95, .exitRate:
                return item.kind == .pageGroup && item.name == rule.page
            case .bounceRate, .errorExitRate, .frustratedSessionRate:
                return false
            }
        }
    }

    /// The unmatched matchers of a funnel.
    public func unmatched(funnel name: String) -> [UnmatchedMatcher] {
        unmatched.filter { $0.kind == .funnelStep && $0.funnel == name }
    }

    /// The unmatched cart matchers.
    public var unmatchedCart: [UnmatchedMatcher] {
        unmatched.filter { $0.kind == .cartAdd || $0.kind == .cartPurchase }
    }

    /// Whether a run without a configuration of its own found too little of a shop in its logs
    /// to define a cart or a funnel for it.
    public var shopNotRecognised: Bool {
        guard fitted != nil else { return false }
        return results.statistics.funnels.isEmpty && results.statistics.cart == nil
    }
}
