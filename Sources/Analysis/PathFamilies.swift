import Sessions

/// What the logs say about a path family (the path's first segment: `/image/…`), gathered to
/// fit a configuration to the logs.
public struct PathFamilyStatistics: Codable, Sendable {
    public var views = 0
    /// Views that came in a burst right after a page view of another family by the same
    /// visitor: within `burstSeconds` of it, or of the burst's previous view. What a page's
    /// images and scripts do.
    public var bursts = 0
    /// Views that were their session's first hit.
    public var sessionStarts = 0
    /// Views whose referrer is a page of the site (the host most of the session's later page
    /// views name as referrer).
    public var sameSiteReferred = 0
    /// Views that name as referrer a page of another family that the same visitor viewed at
    /// most `burstSeconds` before (in the same second, logged before or after): fetched by
    /// the page that shows them.
    public var followReferrer = 0
    /// Hits elsewhere (page views and actions: a form posted from it counts) whose same-site
    /// referrer is a page of this family: visitors followed a link from it. Pages are referrers
    /// of later pages; images never are.
    public var referrals = 0
    /// Views answered 400 or more: a family mostly missing is a scanner's guess, not the site's.
    public var errors = 0

    mutating func add(_ other: PathFamilyStatistics) {
        views += other.views
        bursts += other.bursts
        sessionStarts += other.sessionStarts
        sameSiteReferred += other.sameSiteReferred
        followReferrer += other.followReferrer
        referrals += other.referrals
        errors += other.errors
    }
}

/// Collects per-family figures from finished sessions.
public struct AdviceCollector: Codable, Sendable {
    public static let burstSeconds: Int64 = 2
    public private(set) var families: [String] = []
    private var familyIndex: [String: Int] = [:]
    /// Path id → family id (-1: not looked at yet).
    private var familyOfPath: [Int] = []
    /// Referrer family id → family id (-1: not looked at yet).
    private var familyOfReferrer: [Int] = []
    /// Whether the sessions carried their referrers' families (a one-machine run fitting a
    /// configuration; `reduce` has no referrers).
    public private(set) var tracksReferrals = false
    public private(set) var statistics: [PathFamilyStatistics] = []

    public init() {}

    private enum CodingKeys: String, CodingKey { case families, statistics, tracksReferrals }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let families = try container.decode([String].self, forKey: .families)
        let statistics = try container.decode([PathFamilyStatistics].self, forKey: .statistics)
        guard families.count == statistics.count else {
            throw DecodingError.dataCorruptedError(forKey: .statistics, in: container, debugDescription: "one entry per family expected")
        }
        for (family, figures) in zip(families, statistics) { self.statistics[familyID(named: family)].add(figures) }
        tracksReferrals = try container.decodeIfPresent(Bool.self, forKey: .tracksReferrals) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(families, forKey: .families)
        try container.encode(statistics, forKey: .statistics)
        try container.encode(tracksReferrals, forKey: .tracksReferrals)
    }

    /// Adds another's families, by name.
    public mutating func merge(_ other: AdviceCollector) {
        for (family, figures) in zip(other.families, other.statistics) { statistics[familyID(named: family)].add(figures) }
        tracksReferrals = tracksReferrals || other.tracksReferrals
    }

    /// `/image/60844/x` → `/image/`; `/about` → `/about`; `/` → `/`.
    public static func family(of path: String) -> String {
        let trimmed = path.dropFirst()
        guard let slash = trimmed.firstIndex(of: "/") else { return path }
        return "/" + trimmed[..<slash] + "/"
    }

    /// Adds a session's page views. `referrerFamily` gives the text of a hit's referrer family
    /// (`Hit.referrerFamily`), nil when the hits do not carry them (then `referrals` stays 0).
    public mutating func add(_ session: Session, pathText: (Int32) -> String, referrerFamily: ((Int32) -> String)? = nil) {
        if referrerFamily != nil { tracksReferrals = true }
        let site = Self.siteHost(of: session)
        var pages: [(family: Int, time: Int64)] = []
        for hit in session.hits where hit.isPageView { pages.append((familyID(hit.path, pathText), hit.time)) }
        var page = -1
        // The time of the latest page view of another family before the current run of one family.
        var anchor: Int64?
        var previous: (family: Int, time: Int64, burst: Bool)?
        if let site, let referrerFamily {
            for hit in session.hits where !hit.isPageView && hit.referrerHost == site && hit.referrerFamily >= 0 {
                statistics[referrerFamilyID(hit.referrerFamily, referrerFamily)].referrals += 1
            }
        }
        for (index, hit) in session.hits.enumerated() where hit.isPageView {
            page += 1
            let family = pages[page].family
            statistics[family].views += 1
            if index == 0 { statistics[family].sessionStarts += 1 }
            if hit.status >= 400 { statistics[family].errors += 1 }
            if let previous, previous.family != family { anchor = previous.time }
            if previous == nil { anchor = nil }
            let chained = previous.map { $0.burst && $0.family == family && hit.time - $0.time <= Self.burstSeconds } ?? false
            let burst = chained || anchor.map { hit.time - $0 <= Self.burstSeconds } ?? false
            if burst { statistics[family].bursts += 1 }
            previous = (family, hit.time, burst)
            guard let site, hit.referrerHost == site else { continue }
            statistics[family].sameSiteReferred += 1
            guard let referrerFamily, hit.referrerFamily >= 0 else { continue }
            let from = referrerFamilyID(hit.referrerFamily, referrerFamily)
            statistics[from].referrals += 1
            if from != family, Self.viewed(from, near: page, in: pages) { statistics[family].followReferrer += 1 }
        }
    }

    /// Whether a page view of `family` came at most `burstSeconds` before page view `index`
    /// (one in the same second may be logged after it).
    static func viewed(_ family: Int, near index: Int, in pages: [(family: Int, time: Int64)]) -> Bool {
        let time = pages[index].time
        var other = index - 1
        while other >= 0, time - pages[other].time <= burstSeconds {
            if pages[other].family == family { return true }
            other -= 1
        }
        other = index + 1
        while other < pages.count, pages[other].time == time {
            if pages[other].family == family { return true }
            other += 1
        }
        return false
    }

    /// The referrer host most of the session's page views after the first name (ties: the
    /// first named), or nil when none names one.
    static func siteHost(of session: Session) -> Int32? {
        var counts: [(host: Int32, count: Int)] = []
        var seenPage = false
        for hit in session.hits where hit.isPageView {
            defer { seenPage = true }
            guard seenPage, hit.referrerHost >= 0 else { continue }
            if let index = counts.firstIndex(where: { $0.host == hit.referrerHost }) {
                counts[index].count += 1
            } else {
                counts.append((hit.referrerHost, 1))
            }
        }
        var best: (host: Int32, count: Int)?
        for entry in counts where entry.count > (best?.count ?? 0) { best = entry }
        return best?.host
    }

    /// The family a referrer family id stands for.
    private mutating func referrerFamilyID(_ id: Int32, _ text: (Int32) -> String) -> Int {
        let index = Int(id)
        if index < familyOfReferrer.count, familyOfReferrer[index] >= 0 { return familyOfReferrer[index] }
        if index >= familyOfReferrer.count {
            familyOfReferrer.append(contentsOf: repeatElement(-1, count: index + 1 - familyOfReferrer.count))
        }
        var name = text(id)
        if familyIndex[name] == nil, families.count >= Self.familyLimit { name = Self.foldedFamily }
        let family = familyID(named: name)
        familyOfReferrer[index] = family
        return family
    }

    private mutating func familyID(_ path: Int32, _ text: (Int32) -> String) -> Int {
        let index = Int(path)
        if index < familyOfPath.count, familyOfPath[index] >= 0 { return familyOfPath[index] }
        if index >= familyOfPath.count {
            familyOfPath.append(contentsOf: repeatElement(-1, count: index + 1 - familyOfPath.count))
        }
        var name = Self.family(of: text(path))
        // Past this many families (a scanner's unique URLs) the rest share one, never proposed.
        if familyIndex[name] == nil, families.count >= Self.familyLimit { name = Self.foldedFamily }
        let id = familyID(named: name)
        familyOfPath[index] = id
        return id
    }

    public static let familyLimit = PageGroups.defaultAutomaticLimit
    public static let foldedFamily = ""


    private mutating func familyID(named name: String) -> Int {
        if let existing = familyIndex[name] { return existing }
        families.append(name)
        familyIndex[name] = families.count - 1
        statistics.append(PathFamilyStatistics())
        return families.count - 1
    }
}
