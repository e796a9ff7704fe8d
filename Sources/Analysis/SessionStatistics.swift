import Histogram
import Sessions

/// What uxchurn knows of one page group.
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

/// One calendar day, in the offset the lines were written in.
public struct DayStatistics: Sendable, Codable {
    public var sessions = 0
    public var bounces = 0
    public var pageViews = 0
    public var visitors = Set<Int32>()
    /// Visitors counted without their ids, none of them in `visitors`: a partition's, in a
    /// partial result that carries its visitors as counts (no visitor is in two partitions).
    public var countedVisitors = 0
    /// Visitors active that day.
    public var visitorCount: Int { visitors.count + countedVisitors }
    /// Load times of the configured page groups' views that day, by group id (nil: no timed view).
    public var loadTimes: [LoadTimes?] = []
    /// Per funnel, by the day its sessions started: sessions that reached the first step, and
    /// the last.
    public var funnelStarted: [Int] = []
    public var funnelConverted: [Int] = []
    /// Cart sessions that started that day, and how many were abandoned.
    public var cartSessions = 0
    public var cartAbandoned = 0
    /// Sessions that started that day with a frustration signal, and their signals.
    public var frustrated = 0
    public var signals = SignalCounts()

    /// Adds another's day; its ids become ours through the maps.
    mutating func merge(_ other: DayStatistics, groups: (Int32) -> Int32, visitors: (Int32) -> Int32) {
        sessions += other.sessions
        frustrated += other.frustrated
        signals.merge(other.signals)
        bounces += other.bounces
        pageViews += other.pageViews
        for visitor in other.visitors { self.visitors.insert(visitors(visitor)) }
        countedVisitors += other.countedVisitors
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

/// The load-time buckets, in milliseconds: [0,1000), [1000,2500), [2500,4000), [4000,∞).
public enum LoadBucket {
    public static let bounds: [(from: Int, to: Int?)] = [(0, 1000), (1000, 2500), (2500, 4000), (4000, nil)]

    @inline(__always)
    public static func index(microseconds: Int64) -> Int {
        microseconds < 1_000_000 ? 0 : microseconds < 2_500_000 ? 1 : microseconds < 4_000_000 ? 2 : 3
    }
}

/// Folds finished sessions into the figures (sessions, pages, exits, load times, and per day), holding
/// counts per page group and per day, never per hit.
public struct SessionStatistics: Sendable, Codable {
    public let apdexMicroseconds: Int64
    /// Groups whose per-day load times are kept (the configured ones).
    public let configuredGroups: Int32

    public private(set) var sessions = 0
    /// Sessions left out of every figure, by `ExclusionReason`.
    public private(set) var excluded = [Int](repeating: 0, count: ExclusionReason.allCases.count)
    /// Sessions left out, by the local day they started.
    public private(set) var excludedByDay: [Int64: Int] = [:]
    public private(set) var bounces = 0
    public private(set) var pageViews = 0
    public private(set) var durations = CountedValues()
    public private(set) var groups: [PageGroupStatistics] = []
    public private(set) var bucketViews = [0, 0, 0, 0]
    public private(set) var bucketExits = [0, 0, 0, 0]
    public private(set) var timedPageViews = 0
    public private(set) var errorExits = 0
    public private(set) var deadEndExits = 0
    /// Bit i is set when a hit of a kept session matched configured matcher i (`Hit.matches`);
    /// kept as a signed bit pattern so that the partial result's JSON holds all 64 bits.
    private var matchedBits: Int64 = 0
    public var matchedMatchers: UInt64 { UInt64(bitPattern: matchedBits) }
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
    public private(set) var frustration: FrustrationStatistics
    /// Sessions by their first page groups, and transitions between the first page groups of
    /// sessions (summary.json's paths and the flow diagram). Groups at or past `trackedGroups` count
    /// as `PagePath.other`, so both stay bounded by the configured groups.
    public private(set) var paths: [PagePath: Int] = [:]
    public private(set) var transitions: [GroupTransition: Int] = [:]
    public let trackedGroups: Int32
    /// Per visitor: sessions per start day, purchases, and the last session.
    public private(set) var visitors = VisitorActivity()

    public init(apdexMilliseconds: Double, configuredGroups: Int, funnels: [FunnelSteps] = [],
                cart: CartStatistics? = nil) {
        apdexMicroseconds = Int64((apdexMilliseconds * 1000).rounded())
        self.configuredGroups = Int32(configuredGroups)
        // Without configured groups, the first groups seen stand for themselves.
        trackedGroups = configuredGroups > 0 ? Int32(configuredGroups) : 24
        self.funnels = funnels.map(FunnelStatistics.init)
        self.cart = cart
        frustration = FrustrationStatistics(funnels: funnels.count)
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

    /// Adds a finished session (its page views carry their page group); a scanner's or a
    /// too fast one is only counted as left out.
    public mutating func add(_ session: Session, device: Device) {
        var hits = session.hits
        if !zip(hits, hits.dropFirst()).allSatisfy({ !Hit.precedes($1, $0) }) {
            hits.sort(by: Hit.precedes)  // late hits from an input out of order by more than allowed
        }
        guard let first = hits.first, let last = hits.last else { return }
        if let reason = session.exclusion {
            excluded[reason.rawValue] += 1
            excludedByDay[first.localDay, default: 0] += 1
            return
        }
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
        var signals = FrustrationScanner()
        for (index, hit) in hits.enumerated() {
            matchedBits |= Int64(bitPattern: hit.matches)
            signals.visit(hit)
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
        frustration.add(signals)
        let frustrated = !signals.events.isEmpty
        if frustrated {
            dayList[start].frustrated += 1
            for event in signals.events { dayList[start].signals.add(event.signal) }
        }
        let entryHost = firstPage?.referrerHost ?? -1
        for index in funnels.indices {
            let reached = funnels[index].add(hits, device: device, entryHost: entryHost)
            let converted = reached == funnels[index].steps.stepBits.count
            if reached > 0 { dayList[start].funnelStarted[index] += 1 }
            if converted { dayList[start].funnelConverted[index] += 1 }
            if frustrated { frustration.addFrustrated(funnel: index, started: reached > 0, converted: converted) }
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
    /// Turns the per-visitor figures into counts: each day's visitors, and retention's counts
    /// against the period's end, returned. What is left no longer grows with the visitors; it
    /// adds up with other partitions' as long as no visitor is in two of them.
    public mutating func countVisitors(end: Int64, inactiveDays: Int) -> RetentionCounts {
        var counts = RetentionCounts(end: end, inactiveDays: inactiveDays)
        for record in visitors.records() { if let record { counts.add(record) } }
        for index in dayList.indices {
            dayList[index].countedVisitors += dayList[index].visitors.count
            dayList[index].visitors = []
        }
        visitors = VisitorActivity()
        return counts
    }

    /// Adds the figures of another set of sessions (another partition of the visitors, or the
    /// same visitors' other sessions): counts add, histograms and counted values merge, and
    /// the other's ids become ours through `maps`. Both must come from one configuration.
    public mutating func merge(_ other: SessionStatistics, maps: IdMaps) {
        sessions += other.sessions
        for index in excluded.indices where index < other.excluded.count { excluded[index] += other.excluded[index] }
        for (day, count) in other.excludedByDay { excludedByDay[day, default: 0] += count }
        bounces += other.bounces
        pageViews += other.pageViews
        matchedBits |= other.matchedBits
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
        frustration.merge(other.frustration, groups: maps.groups)
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
