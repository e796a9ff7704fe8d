import Sessions

/// What the logs say about a path family (the path's first segment: `/image/…`), gathered to
/// advise a configuration (issue: "advice from the logs").
public struct PathFamilyStatistics: Codable, Sendable {
    public var views = 0
    /// Views that came within `burstSeconds` after a page view of another family by the
    /// same visitor: what a page's images and scripts do.
    public var bursts = 0
    /// Views that were their session's first hit.
    public var sessionStarts = 0

    mutating func add(_ other: PathFamilyStatistics) {
        views += other.views
        bursts += other.bursts
        sessionStarts += other.sessionStarts
    }
}

/// Collects per-family figures from finished sessions.
public struct AdviceCollector: Codable, Sendable {
    public static let burstSeconds: Int64 = 2
    public private(set) var families: [String] = []
    private var familyIndex: [String: Int] = [:]
    /// Path id → family id (-1: not looked at yet).
    private var familyOfPath: [Int] = []
    public private(set) var statistics: [PathFamilyStatistics] = []

    public init() {}

    private enum CodingKeys: String, CodingKey { case families, statistics }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let families = try container.decode([String].self, forKey: .families)
        let statistics = try container.decode([PathFamilyStatistics].self, forKey: .statistics)
        guard families.count == statistics.count else {
            throw DecodingError.dataCorruptedError(forKey: .statistics, in: container, debugDescription: "one entry per family expected")
        }
        for (family, figures) in zip(families, statistics) { self.statistics[familyID(named: family)].add(figures) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(families, forKey: .families)
        try container.encode(statistics, forKey: .statistics)
    }

    /// Adds another's families, by name.
    public mutating func merge(_ other: AdviceCollector) {
        for (family, figures) in zip(other.families, other.statistics) { statistics[familyID(named: family)].add(figures) }
    }

    /// `/image/60844/x` → `/image/`; `/about` → `/about`; `/` → `/`.
    public static func family(of path: String) -> String {
        let trimmed = path.dropFirst()
        guard let slash = trimmed.firstIndex(of: "/") else { return path }
        return "/" + trimmed[..<slash] + "/"
    }

    public mutating func add(_ session: Session, pathText: (Int32) -> String) {
        // The time of the latest page view of another family before the current run of one family.
        var anchor: Int64?
        var previous: (family: Int, time: Int64)?
        for (index, hit) in session.hits.enumerated() where hit.isPageView {
            let family = familyID(hit.path, pathText)
            statistics[family].views += 1
            if index == 0 { statistics[family].sessionStarts += 1 }
            if let previous, previous.family != family { anchor = previous.time }
            if previous == nil { anchor = nil }
            if let anchor, hit.time - anchor <= Self.burstSeconds { statistics[family].bursts += 1 }
            previous = (family, hit.time)
        }
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
