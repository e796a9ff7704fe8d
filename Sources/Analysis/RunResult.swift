import LogParsing

/// What a run found: the figures, the thresholds checked, the days and retention — over this
/// run's logs, or with a history over every stored night. Every output is made from it.
public struct RunResult: Sendable {
    /// The configuration's settings the outputs show.
    public struct Settings: Sendable {
        /// `site.host` as configured; nil: inferred from the referrers.
        public var siteHost: String?
        public var apdexThresholdMilliseconds: Double
        public var churnInactiveDays: Int
        /// Where the configuration came from: its file, for messages that send the user there
        /// (empty: the built-in preset).
        public var configurationSource: String

        public init(siteHost: String?, apdexThresholdMilliseconds: Double, churnInactiveDays: Int,
                    configurationSource: String = "uxchurn.yml") {
            self.siteHost = siteHost
            self.apdexThresholdMilliseconds = apdexThresholdMilliseconds
            self.churnInactiveDays = churnInactiveDays
            self.configurationSource = configurationSource
        }
    }

    public var settings: Settings
    /// What the figures are computed from: one run's, or the merge of map/reduce partitions'.
    public var results: PartialResult
    /// The configured thresholds, checked.
    public var thresholds: [ThresholdResult]
    /// The days `summary.json` lists and the trends draw: this run's, or every stored day.
    public var days: [DayFigures] = []
    /// Over this run's visitors, or over the whole history.
    public var retention = RetentionFigures()
    /// Whether `days` and `retention` span every night stored in a history (`--state`).
    public var spansHistory = false
    /// With a history: the previous night's headline numbers, by `HeadlineValue.key`.
    public var previousHeadline: [String: Double]?
    /// This run's own days with sessions, kept when `days` becomes the whole history's.
    public var runDays: Int?
    /// The configuration fitted to the logs, when the run had none of its own and used it.
    public var fitted: FittedSummary?
    /// The configured funnel steps, cart matchers and page groups no hit matched.
    public var unmatched: [UnmatchedMatcher] = []

    public init(settings: Settings, results: PartialResult, thresholds: [ThresholdResult]) {
        self.settings = settings
        self.results = results
        self.thresholds = thresholds
    }

    /// The line counts of every input, in reading order.
    public var ingest: IngestResult { results.ingest }

    /// A configuration fitted to the logs, when the run had none of its own: the one it used,
    /// or (standard input, map and reduce) the one the figures suggest.
    public func advice(presetHint: String? = nil) -> ConfigAdvice? {
        fitted?.advice ?? results.advice.map { ConfigAdvice.make($0, presetHint: presetHint) }
    }

    /// Whether any threshold is breached.
    public var breached: Bool { thresholds.contains { !$0.ok } }

    /// The shop's own host: `site.host`, else the virtual host that served more than half the
    /// parsed lines (`%v`, `vcombined`), else the most frequent referrer host of second and
    /// later page views (ties by name), all without a leading `www.` — referrers from it are
    /// internal.
    public var siteHost: String? {
        if var host = settings.siteHost {
            if host.hasPrefix("www.") { host.removeFirst(4) }
            return host
        }
        // A log that names the virtual host (`vcombined`): the one that served most lines.
        let served = ingest.servedHosts
        if let top = served.max(by: { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }),
           !top.key.isEmpty, top.key != "-", top.value * 2 > ingest.parsed {
            return top.key
        }
        let counts = results.statistics.laterReferrerHosts.compactMap { id, count in
            results.host(id).map { ($0, count) }
        }
        return counts.max { a, b in a.1 != b.1 ? a.1 < b.1 : a.0 > b.0 }?.0
    }
}

/// What a run without a configuration of its own fitted to its logs and analysed with.
public struct FittedSummary: Sendable {
    public var advice: ConfigAdvice
    /// Lines of the sample it was fitted to (the first in reading order).
    public var sampledLines: Int

    public init(advice: ConfigAdvice, sampledLines: Int) {
        self.advice = advice
        self.sampledLines = sampledLines
    }
}
