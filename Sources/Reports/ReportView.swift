// The view models the report templates render: plain values, every figure already written as
// text, every chart already drawn. Templates escape all `{{text}}`; only `{{{svg}}}` (made and
// escaped by the chart module) and `{{{chartStyle}}}` go in raw.

/// The whole report: what `index.html` and `report.md` show.
public struct ReportView: Sendable {
    public var title = "uxchurn report"
    /// The shop's host, when known.
    public var site: String?
    /// The time span of the parsed lines, as text.
    public var period = ""
    public var headline: [FigureView] = []
    /// What the headline's changes compare, in a sentence.
    public var comparison: String?
    /// What the headline must say beside its figures: no shop recognised, matchers that
    /// matched no hit.
    public var notices: [String] = []
    public var thresholds: ThresholdsView?
    public var funnels: [FunnelView] = []
    public var cart: CartView?
    public var frustration: FrustrationView?
    public var load: LoadView?
    /// Why there is no load-time section, and the directive that would give one.
    public var missingTiming: String?
    public var leaving: LeavingView?
    public var errors = ErrorExitsView()
    public var entryPages: [PageShareRow] = []
    public var exitPages: [PageShareRow] = []
    public var pages: [PageRow] = []
    /// Configured page groups no page view matched, as a sentence.
    public var pagesNotice: String?
    /// The first of `pages`, for the short Markdown report.
    public var topPages: [PageRow] = []
    public var paths: [PathRow] = []
    public var flow: ChartView?
    public var trends: TrendsView?
    public var retention: RetentionView?
    public var quality = QualityView()
    /// Every chart of the report, written as `charts/NAME.svg` beside it.
    public var charts: [Chart] = []
    /// The chart palette (CSS), for the HTML template.
    public var chartStyle = Chart.stylesheet
    /// The version that wrote the report.
    public var generator = ""

    public init() {}
}

/// A chart as a template places it.
public struct ChartView: Sendable {
    public var title: String
    /// The inline `<svg>` element.
    public var svg: String
    /// The standalone file, relative to the report folder.
    public var file: String

    public init(_ chart: Chart) {
        title = chart.title
        svg = chart.svg(standalone: false)
        file = "charts/\(chart.name).svg"
    }
}

public struct FigureView: Sendable {
    public var label = ""
    public var value = ""
    /// The change since the previous stored night, when there is history.
    public var change: String?
    /// `good`, `bad` or `same`: how the change reads for the shop.
    public var trend = "same"
    /// A rate's 95% interval (`43.4–90.3%`).
    public var interval: String?
    /// The rate rests on fewer than 30.
    public var few = false
    /// The two nights' 95% intervals overlap: the change is shown as no finding.
    public var withinChance = false

    public init(label: String, value: String) {
        self.label = label
        self.value = value
    }
}

public struct ThresholdsView: Sendable {
    public var rows: [ThresholdRow] = []
    public var passed = 0
    public var failed = 0
    public var allPassed = true

    public init() {}
}

public struct FunnelView: Sendable {
    /// Steps no hit matched: the figures are no finding.
    public var notice: String?
    public var name = ""
    /// The element id of its section.
    public var anchor = ""
    public var conversion = ""
    /// Its 95% interval, and whether it rests on fewer than 30 sessions.
    public var conversionInterval = ""
    public var few = false
    /// One sentence: the biggest drop-off.
    public var insight = ""
    public var chart: ChartView?
    public var steps: [FunnelStepRow] = []
    public var devices: [SegmentRow] = []
    public var sources: [SegmentRow] = []
    /// Conversion by device and by source with 95% error bars (two or more segments).
    public var deviceChart: ChartView?
    public var sourceChart: ChartView?
    /// What the segments' intervals allow to say.
    public var deviceInsight: String?
    public var sourceInsight: String?

    public init() {}
}

public struct FunnelStepRow: Sendable {
    public var name = ""
    public var sessions = ""
    public var fromPrevious = ""
    public var fromStart = ""
    public var lost = ""
    public var medianTime = ""

    public init() {}
}

public struct SegmentRow: Sendable {
    public var name = ""
    public var sessions = ""
    public var conversion = ""
    public var interval = ""
    public var few = false

    public init() {}
}

public struct CartView: Sendable {
    /// The add or purchase matched no hit: the figures are no finding.
    public var notice: String?
    public var sessions = ""
    public var abandoned = ""
    public var rate = ""
    public var interval = ""
    public var few = false
    public var chart: ChartView?
    public var leftAt: [PageShareRow] = []
    /// Some session added to the cart: the abandonment sentence has something to say.
    public var hasCarts = false
    /// Why there is no chart of where carts were left, when there is none.
    public var emptyNote: String?

    public init() {}
}

/// A page group with a count and its share of a total.
public struct PageShareRow: Sendable {
    public var group = ""
    public var count = ""
    public var share = ""
    /// For an exit rate: its 95% interval, and whether it rests on fewer than 30 views.
    public var interval = ""
    public var few = false

    public init() {}
}

public struct LoadView: Sendable {
    public var apdexThreshold = ""
    public var chart: ChartView?
    public var rows: [LoadRow] = []
    /// Histograms of the most viewed configured groups, and one table of them all.
    public var histograms: [ChartView] = []
    public var histogramGroups: [String] = []
    public var histogramRows: [BinRow] = []

    public init() {}
}

public struct LoadRow: Sendable {
    public var group = ""
    public var views = ""
    public var p50 = ""
    public var p75 = ""
    public var p95 = ""
    public var p99 = ""
    public var apdex = ""

    public init() {}
}

/// One load-time bin: views per histogram group, as `histogramGroups` orders them.
public struct BinRow: Sendable {
    public var label = ""
    public var views: [String] = []

    public init() {}
}

/// The frustration signals: how many sessions struggled, with what, where, and what it cost.
public struct FrustrationView: Sendable {
    /// `12.3%` of sessions, its interval, and whether it rests on fewer than 30 sessions.
    public var rate = ""
    public var interval = ""
    public var few = false
    public var sessions = ""
    public var frustrated = ""
    /// The one sentence on the strongest finding the intervals support; nil when there is none.
    public var insight: String?
    public var signals: [SignalRow] = []
    /// Exit rate of all page views, beside the signals' "ended the visit".
    public var pageExitRate = ""
    public var groups: [SignalGroupRow] = []
    public var chart: ChartView?
    public var funnels: [FrustrationFunnelRow] = []

    public init() {}
}

public struct SignalRow: Sendable {
    public var name = ""
    public var what = ""
    public var count = ""
    public var ended = ""
    public var endedRate = ""
    public var interval = ""
    public var few = false

    public init() {}
}

public struct SignalGroupRow: Sendable {
    public var group = ""
    public var views = ""
    public var signals = ""
    public var perThousand = ""
    public var interval = ""
    public var few = false
    /// The signal most often seen there.
    public var commonest = ""

    public init() {}
}

public struct FrustrationFunnelRow: Sendable {
    public var name = ""
    public var frustrated = ""
    public var frustratedSessions = ""
    public var frustratedInterval = ""
    public var frustratedFew = false
    public var calm = ""
    public var calmSessions = ""
    public var calmInterval = ""
    public var calmFew = false

    public init() {}
}

public struct LeavingView: Sendable {
    public var insight = ""
    public var chart: ChartView?
    public var rows: [BucketRow] = []

    public init() {}
}

public struct BucketRow: Sendable {
    public var label = ""
    public var views = ""
    public var exits = ""
    public var exitRate = ""
    public var interval = ""
    public var few = false

    public init() {}
}

public struct ErrorExitsView: Sendable {
    public var errorExits = ""
    public var errorExitRate = ""
    public var deadEnds = ""
    public var sessions = ""

    public init() {}
}

public struct PageRow: Sendable {
    public var group = ""
    public var views = ""
    public var entries = ""
    public var exits = ""
    public var exitRate = ""
    public var errorRate = ""
    /// The rates' 95% intervals (shown on hover), and whether they rest on fewer than 30 views.
    public var exitInterval = ""
    public var errorInterval = ""
    public var few = false
    public var medianOnPage = ""
    public var p95 = ""

    public init() {}
}

public struct PathRow: Sendable {
    public var path = ""
    public var sessions = ""
    public var share = ""

    public init() {}
}

public struct TrendsView: Sendable {
    public var charts: [ChartView] = []
    /// Charts left out for want of data: why, and what to configure.
    public var emptyCharts: [String] = []
    /// A sentence per partial first or last day.
    public var partialDays: [String] = []
    public var days: [DayRow] = []
    /// Funnel and cart columns are shown only when configured.
    public var hasConversion = false
    public var hasAbandonment = false

    public init() {}
}

public struct DayRow: Sendable {
    public var date = ""
    public var sessions = ""
    public var visitors = ""
    public var pageViews = ""
    public var bounceRate = ""
    public var conversion = ""
    public var abandonment = ""
    public var p95 = ""
    /// The hours the logs cover, on a partial first or last day (`00:00–00:12`).
    public var partial: String?
    /// The rates that rest on fewer than 30.
    public var bounceFew = false
    public var conversionFew = false
    public var abandonmentFew = false
    /// The share of that day's sessions with a frustration signal (`–` for a day stored
    /// before signals were counted).
    public var frustrated = ""
    public var frustratedFew = false

    public init() {}
}

public struct RetentionView: Sendable {
    public var chart: ChartView?
    public var figures: [FigureView] = []
    public var note = ""
    /// The heatmap's numbers: column titles, and a row per cohort.
    public var columns: [String] = []
    public var cohorts: [CohortRow] = []

    public init() {}
}

public struct CohortRow: Sendable {
    public var label = ""
    public var visitors = ""
    /// Retention per period after the first; empty when the period is not over yet.
    public var cells: [String] = []

    public init() {}
}

public struct QualityView: Sendable {
    public var inputs: [InputRow] = []
    public var format = ""
    public var lines = ""
    public var parsed = ""
    public var skipped = ""
    public var skippedShare = ""
    public var samples: [SampleRow] = []
    /// Parsed requests by class: name, requests, share.
    public var classes: [CountRow] = []
    public var botShare = ""
    public var faults: [String] = []
    public var hitsOutsideWindow: String?
    /// Hits that came too far out of time order to be sessionized in place.
    public var lateHits: String?
    /// Page views of paths past the limit of automatic page groups, and that limit.
    public var foldedViews: String?
    public var automaticGroupLimit: String?
    public var bots = BotsView()
    /// Without a configuration of its own: what the run fitted to the logs.
    public var fitted: FittedView?

    public init() {}
}

/// The configuration a run without one fitted to its logs.
public struct FittedView: Sendable {
    public var sampledLines = ""
    public var preset = ""
    /// `ignore` patterns added for asset-like path families.
    public var ignored: [String] = []
    /// Page group names.
    public var pages: [String] = []
    /// The names of the funnel's steps found in the logs, in walking order.
    public var steps: [String] = []
    /// What the cart and funnel came from, when no shop was found in the logs: a preset's, or none.
    public var noShop: String?

    public init() {}
}

/// The "Bots and scanners" part of data quality.
public struct BotsView: Sendable {
    public var botRequests = ""
    public var botShare = ""
    /// The bot families with the most requests: name, requests, share of the bot requests.
    public var families: [CountRow] = []
    public var familyChart: ChartView?
    public var excludedSessions = ""
    /// Of every session, kept or not.
    public var excludedShare = ""
    /// Per reason: its name, sessions, and what it means.
    public var reasons: [CountRow] = []
    /// The probe paths hit most: path, hits.
    public var probes: [CountRow] = []
    /// Sessions left out per day they started.
    public var days: [CountRow] = []
    public var dayChart: ChartView?

    public init() {}
}

/// A named count, with a share or a note.
public struct CountRow: Sendable {
    public var name: String
    public var count: String
    public var share: String

    public init(name: String, count: String, share: String) {
        self.name = name
        self.count = count
        self.share = share
    }
}

public struct InputRow: Sendable {
    public var file = ""
    public var format = ""

    public init(file: String, format: String) {
        self.file = file
        self.format = format
    }
}

public struct SampleRow: Sendable {
    public var location = ""
    public var text = ""
    /// Why the line does not parse, when known.
    public var reason: String?

    public init(location: String, text: String, reason: String? = nil) {
        self.location = location
        self.text = text
        self.reason = reason
    }
}
