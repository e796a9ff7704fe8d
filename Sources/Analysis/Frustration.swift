import Sessions

/// What a session's own requests show of a struggling visitor. A browser that serves a page
/// from its cache sends nothing, so every count is a lower bound.
public enum FrustrationSignal: Int, CaseIterable, Sendable {
    /// A page view whose previous hit is a page view of the same target, at most 10 s before.
    case reload
    /// Page views A, B, A′ in a row (among page views), A and A′ of one target, B of another,
    /// A′ at most 5 s after B: the visitor went back at once. Counted on B.
    case quickBack
    /// An action whose previous hit is an action of the same method and target, at most 2 s
    /// before.
    case doubleSubmit
    /// A hit whose previous hit had the same target, was answered 500–599, and is at most 60 s
    /// before.
    case errorRetry

    /// The name in `summary.json` and the configuration.
    public var key: String {
        switch self {
        case .reload: return "reload"
        case .quickBack: return "quick_back"
        case .doubleSubmit: return "double_submit"
        case .errorRetry: return "error_retry"
        }
    }

    /// The name in the report.
    public var name: String {
        switch self {
        case .reload: return "reload"
        case .quickBack: return "quick back"
        case .doubleSubmit: return "double submit"
        case .errorRetry: return "retry after a server error"
        }
    }

    static let reloadSeconds: Int64 = 10
    static let quickBackSeconds: Int64 = 5
    static let doubleSubmitSeconds: Int64 = 2
    static let errorRetrySeconds: Int64 = 60
}

/// Counts per signal, in `FrustrationSignal` order.
public struct SignalCounts: Sendable, Codable, Equatable {
    public private(set) var counts = [0, 0, 0, 0]

    public init() {}

    public subscript(signal: FrustrationSignal) -> Int { counts[signal.rawValue] }
    public var total: Int { counts.reduce(0, +) }

    mutating func add(_ signal: FrustrationSignal, _ count: Int = 1) { counts[signal.rawValue] += count }

    mutating func merge(_ other: SignalCounts) {
        for index in counts.indices where index < other.counts.count { counts[index] += other.counts[index] }
    }
}

/// The signals of one session, found as its hits go by in order: `SessionStatistics.add`
/// hands each hit to `visit` in the one walk it makes, so nothing looks at the hits twice.
struct FrustrationScanner {
    /// One signal: the page group it belongs to (-1: none), and the session's page views up to
    /// it (when that is all of them, the visit ended there).
    struct Event {
        var signal: FrustrationSignal
        var group: Int32
        var pageViewsBefore: Int
    }

    /// What the signals look at of a hit: 24 bytes of its 80, so the three kept cost little to
    /// copy on this path, which every hit takes.
    private struct Seen {
        var time: Int64
        var target: UInt32
        var method: Int32
        var group: Int32
        var status: Int16
        var isPageView: Bool

        init(_ hit: Hit) {
            time = hit.time
            target = hit.target
            method = hit.method
            group = hit.group
            status = hit.status
            isPageView = hit.isPageView
        }
    }

    private var previous: Seen?
    /// The last two page views, the latest last.
    private var pageA: Seen?
    private var pageB: Seen?
    private var pageViews = 0
    /// Signals found, in order; empty (no allocation) for most sessions.
    private(set) var events: [Event] = []

    init() {}

    mutating func visit(_ hit: Hit) {
        if let previous, hit.target == previous.target {
            let gap = hit.time - previous.time
            if hit.isPageView, previous.isPageView, gap <= FrustrationSignal.reloadSeconds {
                record(.reload, group: hit.group, pageViewsBefore: pageViews + 1)
            }
            if !hit.isPageView, !previous.isPageView, hit.method == previous.method, gap <= FrustrationSignal.doubleSubmitSeconds {
                record(.doubleSubmit, group: pageB?.group ?? -1, pageViewsBefore: pageViews)
            }
            if previous.status >= 500, previous.status <= 599, gap <= FrustrationSignal.errorRetrySeconds {
                record(.errorRetry, group: hit.isPageView ? hit.group : pageB?.group ?? -1, pageViewsBefore: pageViews + (hit.isPageView ? 1 : 0))
            }
        }
        if hit.isPageView {
            if let a = pageA, let b = pageB, a.target == hit.target, b.target != hit.target,
               hit.time - b.time <= FrustrationSignal.quickBackSeconds {
                record(.quickBack, group: b.group, pageViewsBefore: pageViews + 1)
            }
            pageA = pageB
            pageB = Seen(hit)
            pageViews += 1
        }
        previous = Seen(hit)
    }

    private mutating func record(_ signal: FrustrationSignal, group: Int32, pageViewsBefore: Int) {
        events.append(Event(signal: signal, group: group, pageViewsBefore: pageViewsBefore))
    }

    /// The session's page views, once every hit was visited.
    var pageViewCount: Int { pageViews }
}

/// The frustration signals over every kept session: counts per signal, per page group and
/// per funnel.
public struct FrustrationStatistics: Sendable, Codable {
    /// Sessions with at least one signal.
    public private(set) var sessions = 0
    public private(set) var signals = SignalCounts()
    /// Per page group id (-1 is not a group: signals without a page view before them are in
    /// `signals` only).
    public private(set) var byGroup: [SignalCounts] = []
    /// Per signal, those after which the session had no further page view: the visit ended there.
    public private(set) var endedVisit = SignalCounts()
    /// Per funnel: frustrated sessions that reached step 0 and the last step (the calm ones are
    /// the funnel's own counts less these: `split(funnel:of:)`).
    public private(set) var funnelFrustrated: [FunnelSplit] = []

    public struct FunnelSplit: Sendable, Codable, Equatable {
        public var started = 0
        public var converted = 0

        public var conversion: Double? { ratio(converted, started) }
    }

    init(funnels: Int) {
        funnelFrustrated = Array(repeating: FunnelSplit(), count: funnels)
    }

    /// Funnel `index`'s sessions that reached its first step, with a signal and without.
    public func split(funnel index: Int, of funnel: FunnelStatistics) -> (frustrated: FunnelSplit, calm: FunnelSplit)? {
        guard index < funnelFrustrated.count else { return nil }
        let frustrated = funnelFrustrated[index]
        let started = funnel.reached.first ?? 0, converted = funnel.reached.last ?? 0
        return (frustrated, FunnelSplit(started: started - frustrated.started, converted: converted - frustrated.converted))
    }

    /// Adds one session's signals.
    mutating func add(_ scanner: FrustrationScanner) {
        guard !scanner.events.isEmpty else { return }
        sessions += 1
        for event in scanner.events {
            signals.add(event.signal)
            if event.pageViewsBefore >= scanner.pageViewCount { endedVisit.add(event.signal) }
            guard event.group >= 0 else { continue }
            let group = Int(event.group)
            if group >= byGroup.count { byGroup.append(contentsOf: repeatElement(SignalCounts(), count: group + 1 - byGroup.count)) }
            byGroup[group].add(event.signal)
        }
    }

    /// Counts a frustrated session in a funnel: whether it reached step 0 and the last step.
    mutating func addFrustrated(funnel index: Int, started: Bool, converted: Bool) {
        guard started, index < funnelFrustrated.count else { return }
        funnelFrustrated[index].started += 1
        if converted { funnelFrustrated[index].converted += 1 }
    }

    /// - Parameter groups: the other's page group ids mapped to ours (`maps.groups`); ids past
    ///   it (a damaged partial) are left out rather than trapped on.
    mutating func merge(_ other: FrustrationStatistics, groups: [Int32]) {
        sessions += other.sessions
        signals.merge(other.signals)
        endedVisit.merge(other.endedVisit)
        for (id, counts) in other.byGroup.enumerated() where counts.total > 0 && id < groups.count {
            let mine = Int(groups[id])
            guard mine >= 0 else { continue }
            if mine >= byGroup.count { byGroup.append(contentsOf: repeatElement(SignalCounts(), count: mine + 1 - byGroup.count)) }
            byGroup[mine].merge(counts)
        }
        for index in funnelFrustrated.indices where index < other.funnelFrustrated.count {
            funnelFrustrated[index].started += other.funnelFrustrated[index].started
            funnelFrustrated[index].converted += other.funnelFrustrated[index].converted
        }
    }
}
