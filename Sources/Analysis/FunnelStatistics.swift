import Sessions

/// A funnel as the analysis sees it: its steps are matcher bits of `Hit.matches`.
public struct FunnelSteps: Sendable, Codable {
    public var name: String
    public var stepNames: [String]
    /// For each step, the bit of its matcher.
    public var stepBits: [Int]

    public init(name: String, stepNames: [String], stepBits: [Int]) {
        self.name = name
        self.stepNames = stepNames
        self.stepBits = stepBits
    }
}

/// Sessions that started a funnel, and how many of them finished it, in one segment.
public struct FunnelSegment: Sendable, Equatable, Codable {
    public var sessions = 0
    public var converted = 0

    public init() {}

    mutating func add(_ other: FunnelSegment) {
        sessions += other.sessions
        converted += other.converted
    }
}

/// One funnel over every session: steps are reached in order, one hit reaching
/// at most one step.
public struct FunnelStatistics: Sendable, Codable {
    public let steps: FunnelSteps
    public private(set) var reached: [Int]
    /// Per step: seconds from the hit that reached step 0 to the hit that reached it.
    public private(set) var secondsFromStart: [CountedValues]
    public private(set) var byDevice: [Device: FunnelSegment] = [:]
    /// By the entry page view's referrer host id (-1: direct), resolved to sources at the end.
    public private(set) var byEntryHost: [Int32: FunnelSegment] = [:]

    public init(_ steps: FunnelSteps) {
        self.steps = steps
        reached = Array(repeating: 0, count: steps.stepBits.count)
        secondsFromStart = Array(repeating: CountedValues(), count: steps.stepBits.count)
    }

    /// Walks the session's hits with k = 0: a hit matching step k reaches it, and k advances.
    ///
    /// - Returns: the number of steps the session reached.
    @discardableResult
    mutating func add(_ hits: [Hit], device: Device, entryHost: Int32) -> Int {
        var k = 0
        var start: Int64 = 0
        for hit in hits where k < steps.stepBits.count {
            guard hit.matches & (1 << UInt64(steps.stepBits[k])) != 0 else { continue }
            if k == 0 { start = hit.time }
            reached[k] += 1
            secondsFromStart[k].add(hit.time - start)
            k += 1
        }
        guard k > 0 else { return 0 }
        let converted = k == steps.stepBits.count ? 1 : 0
        byDevice[device, default: FunnelSegment()].sessions += 1
        byDevice[device, default: FunnelSegment()].converted += converted
        byEntryHost[entryHost, default: FunnelSegment()].sessions += 1
        byEntryHost[entryHost, default: FunnelSegment()].converted += converted
        return k
    }

    /// Adds another's sessions; its referrer host ids become ours through `hosts`.
    mutating func merge(_ other: FunnelStatistics, hosts: (Int32) -> Int32) {
        for index in reached.indices where index < other.reached.count {
            reached[index] += other.reached[index]
            secondsFromStart[index].merge(other.secondsFromStart[index])
        }
        for (device, segment) in other.byDevice { byDevice[device, default: FunnelSegment()].add(segment) }
        for (host, segment) in other.byEntryHost { byEntryHost[hosts(host), default: FunnelSegment()].add(segment) }
    }
}

/// Cart abandonment: a cart session has a hit matching `cart.add`; it is
/// abandoned unless a hit matching `cart.purchase` comes after its first add.
public struct CartStatistics: Sendable, Codable {
    public let addBit: Int
    public let purchaseBit: Int
    public private(set) var sessions = 0
    public private(set) var abandoned = 0
    /// Abandoned sessions by the page group of their exit page (-1: no page view).
    public private(set) var leftAt: [Int32: Int] = [:]

    public init(addBit: Int, purchaseBit: Int) {
        self.addBit = addBit
        self.purchaseBit = purchaseBit
    }

    public enum Outcome { case purchased, abandoned }

    /// - Returns: nil when the session is not a cart session.
    mutating func add(_ hits: [Hit], exitGroup: Int32) -> Outcome? {
        guard let firstAdd = hits.firstIndex(where: { $0.matches & (1 << UInt64(addBit)) != 0 }) else { return nil }
        sessions += 1
        let purchased = hits[(firstAdd + 1)...].contains { $0.matches & (1 << UInt64(purchaseBit)) != 0 }
        guard !purchased else { return .purchased }
        abandoned += 1
        leftAt[exitGroup, default: 0] += 1
        return .abandoned
    }

    /// Adds another's sessions; its page group ids become ours through `groups`.
    mutating func merge(_ other: CartStatistics, groups: (Int32) -> Int32) {
        sessions += other.sessions
        abandoned += other.abandoned
        for (group, count) in other.leftAt { leftAt[group >= 0 ? groups(group) : group, default: 0] += count }
    }
}
