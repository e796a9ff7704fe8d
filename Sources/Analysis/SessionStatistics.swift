import Histogram
import Sessions

/// Exact nearest-rank percentiles of whole numbers, from a count per value.
///
/// Holds one entry per distinct value (seconds on a page, session durations), not per value;
/// the first `rawLimit` values are kept as they came, so a page group of a few views costs a
/// few bytes rather than a counting array.
public struct CountedValues: Sendable, Codable {
    /// Values 0 ..< `smallLimit` (seconds on a page, most durations) counted in an array
    /// grown as needed; others, and negative ones, in a dictionary.
    static let smallLimit: Int64 = 4096
    static let rawLimit = 32
    private var raw: [Int64] = []
    private var small: [Int32] = []
    private var counts: [Int64: Int] = [:]
    public private(set) var total = 0

    public init() {}

    public mutating func add(_ value: Int64) {
        total += 1
        if small.isEmpty, counts.isEmpty, raw.count < Self.rawLimit {
            raw.append(value)
        } else {
            for kept in raw { count(kept) }
            raw = []
            count(value)
        }
    }

    private mutating func count(_ value: Int64) {
        if value >= 0 && value < Self.smallLimit {
            let index = Int(value)
            if index >= small.count { small.append(contentsOf: repeatElement(0, count: index + 1 - small.count)) }
            small[index] += 1
        } else {
            counts[value, default: 0] += 1
        }
    }

    /// Adds another's values.
    public mutating func merge(_ other: CountedValues) {
        total += other.total
        if small.isEmpty, counts.isEmpty, other.small.isEmpty, other.counts.isEmpty, raw.count + other.raw.count <= Self.rawLimit {
            raw += other.raw
            return
        }
        for kept in raw + other.raw { count(kept) }
        raw = []
        if small.count < other.small.count { small.append(contentsOf: repeatElement(0, count: other.small.count - small.count)) }
        for (value, count) in other.small.enumerated() where count > 0 { small[value] += count }
        counts.merge(other.counts, uniquingKeysWith: +)
    }

    /// The value of rank ⌈p·n/100⌉ in ascending order; nil when empty.
    public func percentile(_ p: Int) -> Int64? {
        guard total > 0 else { return nil }
        let rank = max(1, (p * total + 99) / 100)
        if !raw.isEmpty { return raw.sorted()[rank - 1] }
        var seen = 0
        let large = counts.keys.sorted()
        for value in large where value < 0 {
            seen += counts[value] ?? 0
            if seen >= rank { return value }
        }
        for (value, count) in small.enumerated() where count > 0 {
            seen += Int(count)
            if seen >= rank { return Int64(value) }
        }
        for value in large where value >= 0 {
            seen += counts[value] ?? 0
            if seen >= rank { return value }
        }
        return nil
    }
}

/// Load times in microseconds, within 1% (HdrHistogram, two significant digits), mergeable.
///
/// The range is fixed (1 µs to an hour; longer times count as an hour): the library's
/// auto-resizing histograms corrupted memory here. A histogram holds about 13 KB of buckets,
/// so the first `rawLimit` times are kept as they came and the histogram is made only past
/// them, or when asked for: a log of a million distinct paths (a scanner) holds a million
/// groups of one view each. The histogram of the same values is the same in any order, so
/// every figure is the one an eager histogram gives.
public struct LoadTimes: Sendable, Codable {
    public static let highestMicroseconds: UInt64 = 3_600_000_000
    /// Times kept as values before the histogram is made.
    static let rawLimit = 32
    private var raw: [UInt64] = []
    /// The histogram and its bins once made, behind one reference (copied on write): a group
    /// without one costs 8 bytes for it, not 80.
    private var made: MadeHistogram?
    public private(set) var satisfied = 0
    public private(set) var tolerating = 0

    final class MadeHistogram: @unchecked Sendable {
        var histogram: Histogram<UInt32>
        /// Views per bin of `LoadHistogram.bounds`.
        var bins: [Int]

        init(histogram: Histogram<UInt32>, bins: [Int]) {
            self.histogram = histogram
            self.bins = bins
        }
    }

    public init() {}

    /// The made histogram, unshared (copied if another value holds it too); nil before it is made.
    private mutating func uniqueMade() -> MadeHistogram? {
        guard var box = made else { return nil }
        made = nil
        if !isKnownUniquelyReferenced(&box) { box = MadeHistogram(histogram: box.histogram, bins: box.bins) }
        made = box
        return box
    }

    static func emptyHistogram() -> Histogram<UInt32> {
        Histogram<UInt32>(lowestDiscernibleValue: 1, highestTrackableValue: highestMicroseconds, numberOfSignificantValueDigits: .two)
    }

    /// The histogram of every time added (made from the kept values when not made yet).
    public var histogram: Histogram<UInt32> {
        if let made { return made.histogram }
        var histogram = Self.emptyHistogram()
        for value in raw { histogram.record(value) }
        return histogram
    }

    /// Views per bin of `LoadHistogram.bounds`, for the histogram chart.
    public var bins: [Int] {
        if let made { return made.bins }
        var bins = [Int](repeating: 0, count: LoadHistogram.bounds.count)
        for value in raw { bins[LoadHistogram.index(microseconds: Int64(value))] += 1 }
        return bins
    }

    public var count: Int { made.map { Int($0.histogram.totalCount) } ?? raw.count }

    public mutating func add(microseconds: Int64, apdexMicroseconds: Int64) {
        let value = min(UInt64(max(microseconds, 0)), Self.highestMicroseconds)
        if made == nil, raw.count < Self.rawLimit {
            raw.append(value)
        } else {
            let box = makeHistogram()
            box.histogram.record(value)
            box.bins[LoadHistogram.index(microseconds: microseconds)] += 1
        }
        if microseconds <= apdexMicroseconds {
            satisfied += 1
        } else if microseconds <= 4 * apdexMicroseconds {
            tolerating += 1
        }
    }

    /// From kept values to the histogram, for good; the histogram to change.
    private mutating func makeHistogram() -> MadeHistogram {
        if let box = uniqueMade() { return box }
        let box = MadeHistogram(histogram: histogram, bins: bins)
        made = box
        raw = []
        return box
    }
    private enum CodingKeys: String, CodingKey { case values, min, max, satisfied, tolerating, bins }

    /// The histogram is written as its recorded values (value, count), not its whole bucket
    /// array (a partial result holds one per page group and day), with the exact smallest and
    /// largest values, which bound its percentiles.
    public func encode(to encoder: any Encoder) throws {
        let histogram = histogram
        var container = encoder.container(keyedBy: CodingKeys.self)
        var values: [UInt64] = []
        for bucket in histogram.recordedValues() {
            values.append(bucket.value)
            values.append(UInt64(bucket.count))
        }
        try container.encode(values, forKey: .values)
        if count > 0 {
            try container.encode(histogram.min, forKey: .min)
            try container.encode(histogram.maxRecorded, forKey: .max)
        }
        try container.encode(satisfied, forKey: .satisfied)
        try container.encode(tolerating, forKey: .tolerating)
        try container.encode(bins, forKey: .bins)
    }

    public init(from decoder: any Decoder) throws {
        var histogram = Self.emptyHistogram()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let values = try container.decode([UInt64].self, forKey: .values)
        guard values.count % 2 == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .values, in: container, debugDescription: "values come in (value, count) pairs")
        }
        let smallest = try container.decodeIfPresent(UInt64.self, forKey: .min)
        let largest = try container.decodeIfPresent(UInt64.self, forKey: .max)
        for index in stride(from: 0, to: values.count, by: 2) {
            guard let count = UInt32(exactly: values[index + 1]), count > 0 else {
                throw DecodingError.dataCorruptedError(forKey: .values, in: container, debugDescription: "a count out of range")
            }
            let value = min(values[index], Self.highestMicroseconds)
            // Within a bucket every value counts the same; the smallest and largest are
            // recorded as themselves so the histogram's bounds come back exact.
            let holdsSmallest = smallest.map { histogram.valuesAreEquivalent(value, $0) } ?? false
            let holdsLargest = largest.map { histogram.valuesAreEquivalent(value, $0) } ?? false
            switch (holdsSmallest, holdsLargest) {
            case (true, true):
                histogram.record(smallest!)
                if count > 1 { histogram.record(largest!, count: count - 1) }
            case (true, false):
                histogram.record(smallest!, count: count)
            case (false, true):
                histogram.record(largest!, count: count)
            case (false, false):
                histogram.record(value, count: count)
            }
        }
        satisfied = try container.decode(Int.self, forKey: .satisfied)
        tolerating = try container.decode(Int.self, forKey: .tolerating)
        let bins = try container.decode([Int].self, forKey: .bins)
        made = MadeHistogram(histogram: histogram, bins: bins)
        guard bins.count == LoadHistogram.bounds.count else {
            throw DecodingError.dataCorruptedError(forKey: .bins, in: container, debugDescription: "\(LoadHistogram.bounds.count) bins expected")
        }
    }

    /// Adds another's views (a day's groups into one figure).
    public mutating func merge(_ other: LoadTimes) {
        if made == nil, other.made == nil, raw.count + other.raw.count <= Self.rawLimit {
            raw += other.raw
        } else {
            let box = makeHistogram()
            box.histogram.add(other.histogram)
            for (index, views) in other.bins.enumerated() { box.bins[index] += views }
        }
        satisfied += other.satisfied
        tolerating += other.tolerating
    }

    /// Nearest-rank percentile in milliseconds; nil when no timed view.
    public func percentileMilliseconds(_ p: Double) -> Double? {
        guard count > 0 else { return nil }
        return Double(histogram.valueAtPercentile(p)) / 1000
    }

    /// (satisfied + tolerating/2) / n; nil when no timed view.
    public var apdex: Double? {
        count > 0 ? (Double(satisfied) + Double(tolerating) / 2) / Double(count) : nil
    }
}

/// What uxchurn knows of one page group (SPEC.md §4.5).
public struct PageGroupStatistics: Sendable, Codable {
    public var views = 0
    public var entries = 0
    public var exits = 0
    public var errorViews = 0
    public var loadTimes = LoadTimes()
    public var secondsOnPage = CountedValues()

    mutating func merge(_ other: PageGroupStatistics) {
        views += other.views
        entries += other.entries
        exits += other.exits
        errorViews += other.errorViews
        loadTimes.merge(other.loadTimes)
        secondsOnPage.merge(other.secondsOnPage)
    }
}

/// One calendar day (SPEC.md §4.10), in the offset the lines were written in.
public struct DayStatistics: Sendable, Codable {
    public var sessions = 0
    public var bounces = 0
    public var pageViews = 0
    public var visitors = Set<Int32>()
    /// Load times of the configured page groups' views that day, by group id (nil: no timed view).
    public var loadTimes: [LoadTimes?] = []
    /// Per funnel, by the day its sessions started: sessions that reached the first step, and
    /// the last.
    public var funnelStarted: [Int] = []
    public var funnelConverted: [Int] = []
    /// Cart sessions that started that day, and how many were abandoned.
    public var cartSessions = 0
    public var cartAbandoned = 0

    /// Adds another's day; its ids become ours through the maps.
    mutating func merge(_ other: DayStatistics, groups: (Int32) -> Int32, visitors: (Int32) -> Int32) {
        sessions += other.sessions
        bounces += other.bounces
        pageViews += other.pageViews
        for visitor in other.visitors { self.visitors.insert(visitors(visitor)) }
        for (group, load) in other.loadTimes.enumerated() {
            guard let load else { continue }
            let mine = Int(groups(Int32(group)))
            if mine >= loadTimes.count { loadTimes.append(contentsOf: repeatElement(nil, count: mine + 1 - loadTimes.count)) }
            if loadTimes[mine]?.merge(load) == nil {
                var fresh = LoadTimes()
                fresh.merge(load)
                loadTimes[mine] = fresh
            }
        }
        for index in funnelStarted.indices where index < other.funnelStarted.count {
            funnelStarted[index] += other.funnelStarted[index]
            funnelConverted[index] += other.funnelConverted[index]
        }
        cartSessions += other.cartSessions
        cartAbandoned += other.cartAbandoned
    }
}

/// The bins of the load-time histogram chart, in milliseconds (the last is open).
public enum LoadHistogram {
    public static let bounds: [(from: Int, to: Int?)] = [
        (0, 100), (100, 250), (250, 500), (500, 1000), (1000, 2500), (2500, 4000), (4000, 8000), (8000, nil),
    ]

    @inline(__always)
    public static func index(microseconds: Int64) -> Int {
        let ms = microseconds / 1000
        if ms < 500 { return ms < 100 ? 0 : ms < 250 ? 1 : 2 }
        if ms < 2500 { return ms < 1000 ? 3 : 4 }
        return ms < 4000 ? 5 : ms < 8000 ? 6 : 7
    }
}

/// The first page groups of a session: up to `PagePath.steps` groups (`PagePath.other` for
/// groups outside the tracked ones), and whether the session went on.
public struct PagePath: Hashable, Sendable, Codable {
    public static let steps = 4
    public static let other: Int32 = 0x7FFF
    public private(set) var groups: [Int32]
    /// More page views followed the ones in `groups`.
    public private(set) var continues: Bool

    public init(groups: [Int32], continues: Bool) {
        self.groups = groups
        self.continues = continues
    }
}

/// A transition between two page groups at a position of the session: from the page view at
/// `position` to the next (`to == PagePath.exit` when the session ended there).
public struct GroupTransition: Hashable, Sendable, Codable {
    public var position: Int8
    public var from: Int32
    public var to: Int32
}

extension PagePath {
    /// `to` of a transition out of the session.
    public static let exit: Int32 = -1
}

/// The load-time buckets of SPEC.md §4.7, in milliseconds: [0,1000), [1000,2500), [2500,4000), [4000,∞).
public enum LoadBucket {
    public static let bounds: [(from: Int, to: Int?)] = [(0, 1000), (1000, 2500), (2500, 4000), (4000, nil)]

    @inline(__always)
    public static func index(microseconds: Int64) -> Int {
        microseconds < 1_000_000 ? 0 : microseconds < 2_500_000 ? 1 : microseconds < 4_000_000 ? 2 : 3
    }
}

/// Folds finished sessions into the figures of SPEC.md §4.4–4.7 and §4.10 (per day), holding
/// counts per page group and per day, never per hit.
public struct SessionStatistics: Sendable, Codable {
    public let apdexMicroseconds: Int64
    /// Groups whose per-day load times are kept (the configured ones).
    public let configuredGroups: Int32

    public private(set) var sessions = 0
    public private(set) var bounces = 0
    public private(set) var pageViews = 0
    public private(set) var durations = CountedValues()
    public private(set) var groups: [PageGroupStatistics] = []
    public private(set) var bucketViews = [0, 0, 0, 0]
    public private(set) var bucketExits = [0, 0, 0, 0]
    public private(set) var timedPageViews = 0
    public private(set) var errorExits = 0
    public private(set) var deadEndExits = 0
    /// Per day, in the order first seen; `dayIndex` finds a day's entry.
    private var dayList: [DayStatistics] = []
    private var dayIndex: [Int64: Int] = [:]
    /// The day last looked up and its entry: most sessions start on the day of the one before.
    private var lastDay = Int64.min
    private var lastDayIndex = -1
    /// The day of each `dayList` entry.
    private var dayKeys: [Int64] = []
    /// Per calendar day (days since 1970-01-01, local), in date order.
    public var daysInOrder: [(day: Int64, statistics: DayStatistics)] {
        zip(dayKeys, dayList).map { (day: $0, statistics: $1) }.sorted { $0.day < $1.day }
    }
    /// Sessions per device, in `Device.allCases` order (an array: this is counted per session).
    private var deviceSessions = [Int](repeating: 0, count: Device.allCases.count)
    /// Sessions per device, for the devices seen.
    public var sessionsByDevice: [Device: Int] {
        var out: [Device: Int] = [:]
        for (device, count) in zip(Device.allCases, deviceSessions) where count > 0 { out[device] = count }
        return out
    }
    /// Sessions by their first page view's referrer host id (-1: direct).
    public private(set) var sessionsByEntryHost: [Int32: Int] = [:]
    /// Referrer hosts of second and later page views, to infer the site's own host.
    public private(set) var laterReferrerHosts: [Int32: Int] = [:]

    public private(set) var funnels: [FunnelStatistics]
    public private(set) var cart: CartStatistics?
    /// Sessions by their first page groups, and transitions between the first page groups of
    /// sessions (SPEC.md §5's paths and flow diagram). Groups at or past `trackedGroups` count
    /// as `PagePath.other`, so both stay bounded by the configured groups.
    public private(set) var paths: [PagePath: Int] = [:]
    public private(set) var transitions: [GroupTransition: Int] = [:]
    public let trackedGroups: Int32
    /// Per visitor: sessions per start day, purchases, and the last session (SPEC.md §4.10).
    public private(set) var visitors = VisitorActivity()

    public init(apdexMilliseconds: Double, configuredGroups: Int, funnels: [FunnelSteps] = [],
                cart: CartStatistics? = nil) {
        apdexMicroseconds = Int64((apdexMilliseconds * 1000).rounded())
        self.configuredGroups = Int32(configuredGroups)
        // Without configured groups, the first groups seen stand for themselves.
        trackedGroups = configuredGroups > 0 ? Int32(configuredGroups) : 24
        self.funnels = funnels.map(FunnelStatistics.init)
        self.cart = cart
    }

    /// The entry of `day`, made when new.
    @inline(__always)
    private mutating func entry(_ day: Int64) -> Int {
        if day == lastDay, lastDayIndex >= 0 { return lastDayIndex }
        lastDay = day
        if let index = dayIndex[day] {
            lastDayIndex = index
            return index
        }
        lastDayIndex = dayList.count
        dayIndex[day] = dayList.count
        dayKeys.append(day)
        var new = DayStatistics()
        new.funnelStarted = Array(repeating: 0, count: funnels.count)
        new.funnelConverted = Array(repeating: 0, count: funnels.count)
        dayList.append(new)
        return dayList.count - 1
    }

    /// Adds a finished session (its page views carry their page group).
    public mutating func add(_ session: Session, device: Device) {
        var hits = session.hits
        if !zip(hits, hits.dropFirst()).allSatisfy({ !Hit.precedes($1, $0) }) {
            hits.sort(by: Hit.precedes)  // late hits from an input out of order by more than allowed
        }
        guard let first = hits.first, let last = hits.last else { return }
        sessions += 1
        let startDay = first.localDay
        let start = entry(startDay)
        dayList[start].sessions += 1
        durations.add(last.time - first.time)
        deviceSessions[device.index] += 1

        var firstPage: Hit?
        var lastPage: Hit?
        var pathGroups: [Int32] = []
        pathGroups.reserveCapacity(PagePath.steps)  // one allocation per session, not three
        var pathContinues = false
        // Later page views' referrers, counted per run of the same host (a session's pages
        // mostly refer to each other): one dictionary update per run, not per page view.
        var laterHost: Int32 = 0
        var laterCount = 0
        // The visitor counts once per day; most sessions stay within one.
        var day = startDay
        var current = start
        dayList[current].visitors.insert(session.visitor)
        for (index, hit) in hits.enumerated() {
            let hitDay = hit.localDay
            if hitDay != day {
                day = hitDay
                current = entry(day)
                dayList[current].visitors.insert(session.visitor)
            }
            guard hit.isPageView else { continue }
            pageViews += 1
            dayList[current].pageViews += 1
            let group = Int(hit.group)
            if group >= groups.count { groups.append(contentsOf: repeatElement(PageGroupStatistics(), count: group + 1 - groups.count)) }
            groups[group].views += 1
            if hit.status >= 400 { groups[group].errorViews += 1 }
            if hit.responseMicroseconds >= 0 {
                timedPageViews += 1
                groups[group].loadTimes.add(microseconds: hit.responseMicroseconds, apdexMicroseconds: apdexMicroseconds)
                bucketViews[LoadBucket.index(microseconds: hit.responseMicroseconds)] += 1
                if hit.group < configuredGroups {
                    // An array by group id, not a dictionary: this runs per timed page view.
                    if group >= dayList[current].loadTimes.count {
                        dayList[current].loadTimes.append(
                            contentsOf: repeatElement(nil, count: group + 1 - dayList[current].loadTimes.count))
                    }
                    // Added in place; only the group's first timed view of the day makes its histogram.
                    if dayList[current].loadTimes[group]?
                        .add(microseconds: hit.responseMicroseconds, apdexMicroseconds: apdexMicroseconds) == nil {
                        var load = LoadTimes()
                        load.add(microseconds: hit.responseMicroseconds, apdexMicroseconds: apdexMicroseconds)
                        dayList[current].loadTimes[group] = load
                    }
                }
            }
            if index + 1 < hits.count { groups[group].secondsOnPage.add(hits[index + 1].time - hit.time) }
            if pathGroups.count < PagePath.steps {
                pathGroups.append(hit.group < trackedGroups ? hit.group : PagePath.other)
            } else {
                pathContinues = true
            }
            if firstPage == nil {
                firstPage = hit
            } else if laterCount > 0, hit.referrerHost == laterHost {
                laterCount += 1
            } else {
                if laterCount > 0 { laterReferrerHosts[laterHost, default: 0] += laterCount }
                laterHost = hit.referrerHost
                laterCount = 1
            }
            lastPage = hit
        }
        if laterCount > 0 { laterReferrerHosts[laterHost, default: 0] += laterCount }
        sessionsByEntryHost[firstPage?.referrerHost ?? -1, default: 0] += 1
        if hits.count == 1, first.isPageView {
            bounces += 1
            dayList[start].bounces += 1
        }
        if let entry = firstPage { groups[Int(entry.group)].entries += 1 }
        if let exit = lastPage {
            groups[Int(exit.group)].exits += 1
            if exit.responseMicroseconds >= 0 { bucketExits[LoadBucket.index(microseconds: exit.responseMicroseconds)] += 1 }
            if exit.status == 404 || exit.status == 410 { deadEndExits += 1 }
        }
        if last.status >= 500 { errorExits += 1 }
        if !pathGroups.isEmpty {
            paths[PagePath(groups: pathGroups, continues: pathContinues), default: 0] += 1
            for position in pathGroups.indices {
                let to = position + 1 < pathGroups.count ? pathGroups[position + 1] : pathContinues ? nil : PagePath.exit
                guard let to else { break }
                transitions[GroupTransition(position: Int8(position), from: pathGroups[position], to: to), default: 0] += 1
            }
        }
        let entryHost = firstPage?.referrerHost ?? -1
        for index in funnels.indices {
            let reached = funnels[index].add(hits, device: device, entryHost: entryHost)
            if reached > 0 { dayList[start].funnelStarted[index] += 1 }
            if reached == funnels[index].steps.stepBits.count { dayList[start].funnelConverted[index] += 1 }
        }
        var ending: SessionEnding = []
        if last.status >= 500 { ending.insert(.errorExit) }
        if let exit = lastPage, exit.responseMicroseconds >= 4_000_000 { ending.insert(.slow) }
        var purchased = false
        if let outcome = cart?.add(hits, exitGroup: lastPage?.group ?? -1) {
            dayList[start].cartSessions += 1
            if outcome == .abandoned {
                dayList[start].cartAbandoned += 1
                ending.insert(.abandonedCart)
            }
        }
        if let bit = cart?.purchaseBit {
            purchased = hits.contains { $0.matches & (1 << UInt64(bit)) != 0 }
        }
        visitors.add(visitor: session.visitor, day: startDay, purchased: purchased,
                     last: LastSession(lastHit: last.time, ending: ending))
    }
}

/// Id maps from one set of figures to another: page groups, referrer hosts and visitors are
/// numbered in the order each run met them.
public struct IdMaps {
    public var groups: [Int32]
    public var hosts: [Int32]
    public var visitors: [Int32]

    public init(groups: [Int32], hosts: [Int32], visitors: [Int32]) {
        self.groups = groups
        self.hosts = hosts
        self.visitors = visitors
    }

    func group(_ id: Int32) -> Int32 { groups[Int(id)] }
    /// -1 (direct) stays -1.
    func host(_ id: Int32) -> Int32 { id < 0 ? id : hosts[Int(id)] }
    func visitor(_ id: Int32) -> Int32 { visitors[Int(id)] }
}

extension SessionStatistics {
    /// Adds the figures of another set of sessions (another partition of the visitors, or the
    /// same visitors' other sessions): counts add, histograms and counted values merge, and
    /// the other's ids become ours through `maps`. Both must come from one configuration.
    public mutating func merge(_ other: SessionStatistics, maps: IdMaps) {
        sessions += other.sessions
        bounces += other.bounces
        pageViews += other.pageViews
        durations.merge(other.durations)
        for (id, group) in other.groups.enumerated() {
            let mine = Int(maps.group(Int32(id)))
            if mine >= groups.count { groups.append(contentsOf: repeatElement(PageGroupStatistics(), count: mine + 1 - groups.count)) }
            groups[mine].merge(group)
        }
        for index in 0..<4 {
            bucketViews[index] += other.bucketViews[index]
            bucketExits[index] += other.bucketExits[index]
        }
        timedPageViews += other.timedPageViews
        errorExits += other.errorExits
        deadEndExits += other.deadEndExits
        for (day, statistics) in zip(other.dayKeys, other.dayList) {
            let index = entry(day)
            dayList[index].merge(statistics, groups: maps.group, visitors: maps.visitor)
        }
        for (index, count) in other.deviceSessions.enumerated() { deviceSessions[index] += count }
        for (host, count) in other.sessionsByEntryHost { sessionsByEntryHost[maps.host(host), default: 0] += count }
        for (host, count) in other.laterReferrerHosts { laterReferrerHosts[maps.host(host), default: 0] += count }
        for index in funnels.indices where index < other.funnels.count {
            funnels[index].merge(other.funnels[index], hosts: maps.host)
        }
        if let theirs = other.cart { cart?.merge(theirs, groups: maps.group) }
        // Page paths keep the groups this run tracks; the others become "other pages".
        func tracked(_ group: Int32) -> Int32 {
            guard group != PagePath.other, group != PagePath.exit else { return group }
            let mine = maps.group(group)
            return mine < trackedGroups ? mine : PagePath.other
        }
        for (path, count) in other.paths {
            paths[PagePath(groups: path.groups.map(tracked), continues: path.continues), default: 0] += count
        }
        for (transition, count) in other.transitions {
            let mapped = GroupTransition(position: transition.position, from: tracked(transition.from), to: tracked(transition.to))
            transitions[mapped, default: 0] += count
        }
        visitors.merge(other.visitors, visitors: maps.visitor)
    }
}
