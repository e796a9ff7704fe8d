import LogParsing

/// Everything `summary.json` and the report are computed from, in a form that merges (issue 8):
/// line counts per input, the session statistics, and the names behind their ids.
///
/// A one-machine run makes one from its hit stage; `uxchurn reduce` makes one per partition of
/// the visitors, and `uxchurn merge` adds them up. Counts add, histograms and counted values
/// merge, and page groups, referrer hosts and visitors are matched by name (visitors by their
/// hash), so the merged result is the one a single run over all the lines makes.
public struct PartialResult: Sendable {
    /// The line counts of every input, in reading order.
    public var ingest: IngestResult
    public var statistics: SessionStatistics
    /// Page group names by id: the configured ones first, in configuration order.
    public var groupNames: [String]
    public var configuredGroups: Int
    /// Referrer host names by id.
    public var hostNames: [String]
    /// Visitor ids' keys (the hash `uxchurn map` gives each visitor); empty in a one-machine run,
    /// whose visitors are only counted.
    public var visitorKeys: [String]
    /// Retention's figures counted per partition, when the visitors are carried as counts
    /// (`countVisitors`) rather than one record each.
    public var retentionCounts: RetentionCounts?
    /// Visitors with at least one session that was not left out.
    public var visitorCount: Int { statistics.visitors.count + (retentionCounts?.visitors ?? 0) }
    /// Hits left out by `--from` / `--to`.
    public var hitsOutsideWindow: Int
    /// Hits that arrived after later hits of their input had been sessionized (an input out of
    /// order by more than the reorder window): counted, in the order read.
    public var lateHits = 0
    /// Per path family figures, when the run has no configuration of its own.
    public var advice: AdviceCollector?

    /// The text of a referrer host id (-1: none).
    public func host(_ id: Int32) -> String? { id < 0 ? nil : hostNames[Int(id)] }

    /// An empty result for a configuration: what a partition without lines gives.
    public init(groupNames: [String], statistics: SessionStatistics, advice: Bool) {
        ingest = IngestResult()
        self.statistics = statistics
        self.groupNames = groupNames
        configuredGroups = groupNames.count
        hostNames = []
        visitorKeys = []
        hitsOutsideWindow = 0
        self.advice = advice ? AdviceCollector() : nil
    }

    public init(ingest: IngestResult, statistics: SessionStatistics, groupNames: [String], configuredGroups: Int,
         hostNames: [String], visitorKeys: [String], hitsOutsideWindow: Int, advice: AdviceCollector?) {
        self.ingest = ingest
        self.statistics = statistics
        self.groupNames = groupNames
        self.configuredGroups = configuredGroups
        self.hostNames = hostNames
        self.visitorKeys = visitorKeys
        self.hitsOutsideWindow = hitsOutsideWindow
        self.advice = advice
    }

    /// Carries the visitors as counts from now on: a few numbers per day instead of a record per
    /// visitor. Only for results whose visitors no other result has (a partition by visitor
    /// hash), counted against the period's end all of them share; a history (`--state`) needs
    /// the records, so it cannot take such a result.
    public mutating func countVisitors(end: Int64, inactiveDays: Int) {
        retentionCounts = statistics.countVisitors(end: end, inactiveDays: inactiveDays)
        visitorKeys = []
    }

    /// Adds another partial result of the same configuration.
    ///
    /// Visitors are matched by key: the same visitor in both (which `map`'s partitioning by
    /// visitor hash never gives) counts once, with its sessions added up.
    public mutating func merge(_ other: PartialResult) {
        ingest = IngestResult(records: ingest.records + other.ingest.records)
        var groupIndex = Dictionary(groupNames.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
        let groups = other.groupNames.map { name -> Int32 in
            if let id = groupIndex[name] { return id }
            groupNames.append(name)
            groupIndex[name] = Int32(groupNames.count - 1)
            return Int32(groupNames.count - 1)
        }
        var hostIndex = Dictionary(hostNames.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
        let hosts = other.hostNames.map { name -> Int32 in
            if let id = hostIndex[name] { return id }
            hostNames.append(name)
            hostIndex[name] = Int32(hostNames.count - 1)
            return Int32(hostNames.count - 1)
        }
        var visitorIndex = Dictionary(visitorKeys.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
        let visitors = other.visitorKeys.map { key -> Int32 in
            if let id = visitorIndex[key] { return id }
            visitorKeys.append(key)
            visitorIndex[key] = Int32(visitorKeys.count - 1)
            return Int32(visitorKeys.count - 1)
        }
        statistics.merge(other.statistics, maps: IdMaps(groups: groups, hosts: hosts, visitors: visitors))
        hitsOutsideWindow += other.hitsOutsideWindow
        lateHits += other.lateHits
        if let theirs = other.advice { advice?.merge(theirs) }
        if let theirs = other.retentionCounts {
            if retentionCounts == nil {
                retentionCounts = theirs
            } else {
                retentionCounts?.merge(theirs)
            }
        }
    }
}
