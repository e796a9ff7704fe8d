import Sessions
import LogParsing

/// Sessions to statistics: each finished session the hit stage hands over is folded into the
/// run's `SessionStatistics` (on a thread of its own when asked), with its device, and into the
/// path-family figures that fit a configuration to the logs.
public final class StatisticsFold: SessionSink {
    private var statistics: SessionStatistics
    /// Per path family figures for `uxchurn init LOGS` and the zero-configuration advice.
    public private(set) var advice: AdviceCollector?
    /// The shop's steps among the sessions, when fitting a configuration (`adviceOnly`).
    public private(set) var shop: ShopCollector?
    private var thread: StatisticsThread?
    private var deviceOfAgent: [Device] = []
    private let referrals: Bool
    private let adviceOnly: Bool

    /// - Parameters:
    ///   - inBackground: fold on a second thread (with `--jobs` 2 or more); on this one when
    ///     the system refuses a thread.
    ///   - advice: also gather the path-family figures.
    ///   - referrals: the hits carry their referrers' path families (`IngestOptions.referrerFamilies`).
    ///   - adviceOnly: gather the path-family figures and nothing else (fitting a configuration).
    public init(_ statistics: SessionStatistics, inBackground: Bool, advice: Bool, referrals: Bool = false, adviceOnly: Bool = false) {
        self.statistics = statistics
        self.referrals = referrals
        self.adviceOnly = adviceOnly
        self.advice = advice ? AdviceCollector() : nil
        shop = adviceOnly ? ShopCollector() : nil
        thread = inBackground ? StatisticsThread(statistics) : nil
    }

    /// Empty statistics for a configuration's funnels and cart, each step a bit of
    /// `Hit.matches` as `matcherBits` gave it.
    public static func statistics(apdexMilliseconds: Double, configuredGroups: Int, funnels: [FunnelDefinition],
                                  cart: CartRules?) -> SessionStatistics {
        let bits = matcherBits(funnels: funnels, cart: cart)
        let steps = funnels.enumerated().map { index, funnel in
            FunnelSteps(name: funnel.name, stepNames: funnel.steps.map(\.name), stepBits: bits.funnelBits[index])
        }
        return SessionStatistics(apdexMilliseconds: apdexMilliseconds, configuredGroups: configuredGroups, funnels: steps,
                                 cart: bits.cartBits.map { CartStatistics(addBit: $0.add, purchaseBit: $0.purchase) })
    }

    /// Gives each distinct matcher of the funnels and the cart a bit, in order of appearance.
    public static func matcherBits(funnels: [FunnelDefinition], cart: CartRules?)
        -> (matchers: [HitMatcher], funnelBits: [[Int]], cartBits: (add: Int, purchase: Int)?) {
        var matchers: [HitMatcher] = []
        func bit(_ matcher: HitMatcher) -> Int {
            if let index = matchers.firstIndex(of: matcher) { return index }
            matchers.append(matcher)
            return matchers.count - 1
        }
        let funnelBits = funnels.map { $0.steps.map { bit($0.matcher) } }
        let cartBits = cart.map { (add: bit($0.add), purchase: bit($0.purchase)) }
        return (matchers, funnelBits, cartBits)
    }

    public func add(_ session: Session, values: InternedValues) {
        if !adviceOnly {
            let device = device(of: session.hits.first?.agent ?? -1, values)
            if let thread {
                thread.add(session, device: device)
            } else {
                statistics.add(session, device: device)
            }
        }
        // Taken out and put back: the collector is not copied (a copy retained and released
        // each of its buffers, per session).
        if advice != nil, session.exclusion == nil, var collector = advice.take() {
            collector.add(session, pathText: { values.paths.string(of: $0) },
                          referrerFamily: referrals ? { values.referrerFamilies.string(of: $0) } : nil)
            advice = collector
        }
        if shop != nil, session.exclusion == nil, var collector = shop.take() {
            collector.add(session, pathText: { values.paths.string(of: $0) }, queryText: { values.queries.string(of: $0) },
                          methodText: { values.methods.string(of: $0) }, query: \.fittingQuery)
            shop = collector
        }
    }

    /// The statistics of every session added; the background thread, if any, has ended.
    public func finish() -> SessionStatistics {
        if let thread {
            statistics = thread.finish()
            self.thread = nil
        }
        return statistics
    }

    private func device(of agent: Int32, _ values: InternedValues) -> Device {
        guard agent >= 0 else { return .desktop }
        while deviceOfAgent.count <= Int(agent) {
            deviceOfAgent.append(Device(userAgent: values.agents.string(of: Int32(deviceOfAgent.count))))
        }
        return deviceOfAgent[Int(agent)]
    }
}
