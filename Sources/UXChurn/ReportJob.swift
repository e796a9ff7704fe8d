#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Analysis
import History
import LogInput
import LogParsing
import Reports
import Sessions

/// Why a run stopped, mapped by the executable to SPEC.md §1's exit codes.
public enum RunError: Error, CustomStringConvertible {
    /// Exit 2: a usage or configuration mistake.
    case configuration(String)
    /// Exit 3: an input that cannot be read, or too many lines that do not parse; no report.
    case input(String)
    /// Exit 3 after writing: a gzip fault; the lines before it were counted.
    case inputFaults([InputError])
    /// Exit 1: thresholds are breached (`check`, `report --fail-on-breach`).
    case breached(Int)

    public var description: String {
        switch self {
        case let .configuration(message), let .input(message): return message
        case let .inputFaults(faults): return faults.map(\.description).joined(separator: "\n")
        case let .breached(count): return "\(count) threshold\(count == 1 ? " is" : "s are") breached"
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .configuration: return 2
        case .input, .inputFaults: return 3
        case .breached: return 1
        }
    }
}

/// Options shared by `report` and `check`, as the executable maps them from the command line.
public struct RunOptions: Sendable {
    public var inputs: [String]
    public var configPath: String?
    /// `--format`; wins over the config's `format`.
    public var format: String?
    public var strict = false
    /// The share of skipped lines that stops the run (`--max-bad-lines`, default 5%).
    public var maxBadLineShare = 0.05
    /// Parser threads (`--jobs`); default: the processor count.
    public var jobs = processorCount()
    /// `--from` / `--to`.
    public var window = TimeWindow()
    /// Analyse with this configuration instead of loading one (`init LOGS` fits with none).
    public var configuration: Configuration?
    /// `--state FILE`: the nightly history (SPEC.md §6).
    public var statePath: String?
    /// `--keep-days N`: prune the history to the newest N days.
    public var keepDays: Int?
    /// `--state-wait S`: how long to wait for another run holding the state.
    public var stateWaitSeconds = 60.0
    /// The progress bar on stderr: `--progress` forces it, `--quiet` turns it off; by default
    /// it is drawn when stderr is a terminal.
    public var progress: Bool? = nil
    /// `--max-memory`: resident bytes past which the run stops (exit 3).
    public var maxMemoryBytes: Int?
    /// Page groups made of normalised paths at most; the paths of any further one count as
    /// "other pages" (the tests lower it).
    var automaticGroupLimit = PageGroups.defaultAutomaticLimit

    public init(inputs: [String]) {
        self.inputs = inputs
    }
}

/// Where the zero-configuration default comes from, as messages name it.
let builtInSource = "built-in generic preset"

/// Loads the configuration a run uses: `--config`, else `./uxchurn.yml`, else the built-in
/// `generic` preset.
public func loadConfiguration(_ path: String?) throws(RunError) -> Configuration {
    do {
        if let path { return try Configuration.load(path: path) }
        if fileExists("uxchurn.yml") { return try Configuration.load(path: "uxchurn.yml") }
        return try Configuration.parse(yaml: ConfigurationPresets.generic, file: builtInSource)
    } catch {
        throw .configuration(error.description)
    }
}

/// The analysis that `report` and `check` share: configuration, ingest, and the input checks.
public struct Analysis {
    public var configuration: Configuration
    /// What the figures are computed from: one run's, or the merge of map/reduce partitions'.
    public var results: PartialResult
    /// The line counts of every input, in reading order.
    public var ingest: IngestResult { results.ingest }
    /// The configured thresholds, checked.
    public var thresholds: [ThresholdResult]
    /// The days `summary.json` lists and the trends draw: this run's, or every stored day.
    public var days: [DayFigures] = []
    /// Over this run's visitors, or over the whole history.
    public var retention = RetentionFigures()
    /// With `--state`: the history after this night was stored.
    public var history: HistorySnapshot?

    /// A configuration fitted to the logs, when the run had none of its own.
    public func advice(presetHint: String? = nil) -> ConfigAdvice? {
        results.advice.map { ConfigAdvice.make($0, presetHint: presetHint) }
    }

    /// Whether any threshold is breached.
    public var breached: Bool { thresholds.contains { !$0.ok } }

    /// What a run does with its finished analysis before a `--state` history commits the night
    /// (`report` writes its folder): when it fails, the history is left as it was.
    public typealias Publish = (Analysis) throws(RunError) -> Void

    /// Runs every stage over the inputs, then `publish`.
    ///
    /// - Throws: `RunError.configuration` or `.input`; gzip faults are returned in `ingest.faults`.
    public static func run(_ options: RunOptions, publish: Publish? = nil) throws(RunError) -> Analysis {
        let configuration: Configuration
        if let given = options.configuration {
            configuration = given
        } else {
            configuration = try loadConfiguration(options.configPath)
        }
        let inputs = try resolveInputs(options.inputs)
        // The state is opened (and checked) before any log is read: a refused state stops the run.
        let store = try openState(options)
        var stage = try hitStage(configuration, options: options)
        stage.foldInBackground = options.jobs > 1
        if options.configuration != nil || configuration.source == builtInSource {
            stage.advice = AdviceCollector()
        }
        let ingest = try Self.ingest(inputs, into: &stage, configuration: configuration, options: options)
        try checkSkipped(ingest, options: options, inputs: inputs)
        return try complete(stage.result(ingest: ingest), configuration: configuration, options: options, store: store,
                            publish: publish) { stage.hashedVisitors($0) }
    }

    static func resolveInputs(_ names: [String]) throws(RunError) -> [LogInputFile] {
        let inputs: [LogInputFile]
        do {
            inputs = try InputResolver.resolve(names)
        } catch {
            throw .input(error.description)
        }
        guard !inputs.isEmpty else { throw .configuration("no input: name log files, folders or - for standard input") }
        return inputs
    }

    static func openState(_ options: RunOptions) throws(RunError) -> HistoryStore? {
        do {
            return try options.statePath.map { path throws(HistoryError) in try HistoryStore(path: path, waitSeconds: options.stateWaitSeconds) }
        } catch {
            throw .input(error.description)
        }
    }

    static func hitStage(_ configuration: Configuration, options: RunOptions) throws(RunError) -> HitStage {
        do {
            var stage = try HitStage(configuration: configuration, automaticGroupLimit: options.automaticGroupLimit)
            stage.window = options.window
            return stage
        } catch {
            throw .configuration("a pages regex in the configuration does not compile: \(error)")
        }
    }

    /// Reads every input into `stage`, with the progress bar and the memory guard.
    static func ingest(_ inputs: [LogInputFile], into stage: inout HitStage, configuration: Configuration,
                       options: RunOptions) throws(RunError) -> IngestResult {
        let format: LogFormat?
        do {
            format = try LogFormat.named(options.format ?? configuration.format ?? "auto")
        } catch {
            throw .configuration(error.description)
        }
        let bar = (options.progress ?? ProgressBar.stderrIsTerminal) ? ProgressBar(total: inputs.reduce(0) { $0 + $1.size }) : nil
        defer { bar?.finish() }
        let memory = options.maxMemoryBytes.map(MemoryLimit.init)
        do {
            var ingestOptions = IngestOptions(format: format, ignore: configuration.ignore, bots: configuration.bots)
            ingestOptions.jobs = max(1, options.jobs)
            ingestOptions.sessionKey = configuration.sessionKey
            var run = Ingest(options: ingestOptions)
            if bar != nil || memory != nil {
                run.monitor = { progress in
                    try memory?.check(progress)
                    bar?.update(progress)
                }
            }
            return try run.run(inputs, hits: &stage)
        } catch let error as RunError {
            throw error
        } catch let error as InputError {
            throw .input(error.description)
        } catch {
            throw .configuration("a regex in the configuration does not compile: \(error)")
        }
    }

    /// Thresholds, days and retention from the figures, and with a state, this night stored.
    ///
    /// - Parameter hashedVisitors: each visitor's retention record under the state's keyed hash.
    static func complete(_ results: PartialResult, configuration: Configuration, options: RunOptions, store: HistoryStore?,
                         publish: Publish? = nil,
                         hashedVisitors: (SipHash24) -> [UInt64: VisitorRecord]) throws(RunError) -> Analysis {
        let thresholds = ThresholdEvaluator.evaluate(configuration.thresholds, results: results)
        var analysis = Analysis(configuration: configuration, results: results, thresholds: thresholds)
        analysis.days = results.statistics.dayFigures(groupNames: results.groupNames)
        let ingest = results.ingest
        let end = periodEnd(options, ingest)
        guard let store else {
            analysis.retention = RetentionFigures.compute(results.statistics.visitors.records().compactMap { $0 }, end: end,
                                                          inactiveDays: configuration.churnInactiveDays)
            try publish?(analysis)
            return analysis
        }
        let night = NightRecord(days: analysis.days, visitors: hashedVisitors(store.hasher),
                                headline: Headline.numbers(Headline.figures(analysis)), lines: ingest.lines)
        let keep = options.keepDays.flatMap { count in
            retentionAnchor(analysis.days, options: options).map { HistoryStore.Retention(count: count, anchor: $0) }
        }
        var published: Result<Analysis, RunError>?
        do {
            // Signals wait for the commit too: a report that shows a night the history lost
            // would not be whole.
            _ = try withSignalsDeferred { () throws(HistoryError) in
                try store.record(night, keep: keep, ranAt: LogTimestamp(utcSeconds: Int64(time(nil)), offsetMinutes: 0).iso8601) { snapshot in
                var complete = analysis
                complete.history = snapshot
                complete.days = snapshot.days
                let historyEnd = options.window.to == nil ? max(end, snapshot.visitors.map(\.last.lastHit).max() ?? end) : end
                complete.retention = RetentionFigures.compute(snapshot.visitors, end: historyEnd, inactiveDays: configuration.churnInactiveDays)
                published = Result { () throws(RunError) in
                    try publish?(complete)
                    return complete
                }
                if case .success = published { return true }
                return false
            }
            }
        } catch {
            throw .input(error.description)
        }
        guard let published else { throw .input("\(store.path): the night was not stored") }
        return try published.get()
    }

    /// The day `--keep-days` counts back from: the last day before `--to`, else the newest day of
    /// this run with at least a tenth of the page views of its busiest day — a few lines dated
    /// in the future do not make such a day, even on a quiet site. Never after tomorrow by the
    /// clock (a `--to` in 2100, a future day as busy as any). Nil when the run has no such day
    /// (then nothing is pruned).
    static func retentionAnchor(_ days: [DayFigures], options: RunOptions, now: Int64 = Int64(time(nil))) -> Int64? {
        let anchor: Int64?
        if let to = options.window.to {
            let last = to.seconds - 1
            anchor = last >= 0 ? last / 86_400 : (last - 86_399) / 86_400
        } else {
            let busiest = days.map(\.pageViews).max() ?? 0
            anchor = days.last { $0.pageViews > 0 && $0.pageViews * 10 >= busiest }?.day
        }
        return anchor.map { min($0, now / 86_400 + 1) }
    }

    /// The period's end for churn (SPEC.md §4.10): `--to`, else the last hit's instant.
    static func periodEnd(_ options: RunOptions, _ ingest: IngestResult) -> Int64 {
        let last = ingest.latest
        if let to = options.window.to {
            return to.isInstant ? to.seconds : to.seconds - Int64(last?.offsetMinutes ?? 0) * 60
        }
        return last?.utcSeconds ?? 0
    }

    /// More than `--max-bad-lines` skipped (or any, with `--strict`) stops the run before any
    /// report is written, with three samples and the format `auto` would pick.
    static func checkSkipped(_ ingest: IngestResult, options: RunOptions, inputs: [LogInputFile]) throws(RunError) {
        guard ingest.skipped > 0 else { return }
        let share = ingest.lines == 0 ? 0 : Double(ingest.skipped) / Double(ingest.lines)
        let tooMany = options.strict || share > options.maxBadLineShare
        guard tooMany else { return }
        var message = options.strict
            ? "\(ingest.skipped) of \(ingest.lines) lines do not parse, and --strict allows none"
            : "\(ingest.skipped) of \(ingest.lines) lines (\(percent(share))) do not parse as \(ingest.format); the limit is \(percent(options.maxBadLineShare)) (--max-bad-lines)"
        for sample in ingest.skippedSamples.prefix(3) {
            message += "\n  \(sample.file):\(sample.line): \(sample.text.prefix(200))"
        }
        var suggestions: [String] = []
        for input in inputs where !input.readsOnce {
            if let probe = try? InputProbe.probe(input, forced: nil) {
                suggestions.append("\(input.name): \(probe.format.name)")
            }
        }
        if !suggestions.isEmpty {
            message += "\n`--format auto` would pick: " + suggestions.joined(separator: ", ")
        }
        for fault in ingest.faults {
            message += "\nalso: \(fault.description)"
        }
        throw .input(message)
    }
}

/// Online processors, at least 1.
public func processorCount() -> Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}

func percent(_ share: Double) -> String {
    let value = (share * 1000).rounded() / 10
    return value == value.rounded() ? "\(Int(value))%" : "\(value)%"
}

/// This build's version, as reports and `--version` print it.
public let uxchurnVersion = "0.5.0"

/// `uxchurn report`: the analysis, written as a report folder.
public enum ReportJob {
    /// The templates a run renders with: `--templates DIR`, else the embedded ones.
    ///
    /// - Throws: `RunError.configuration` for a missing or broken template.
    public static func templates(_ folder: String?) throws(RunError) -> ReportTemplates {
        do throws(TemplateError) {
            if let folder { return try ReportTemplates.load(folder: folder) }
            return try ReportTemplates.embedded()
        } catch {
            throw .configuration(error.description)
        }
    }

    /// The files of the report folder: `index.html`, `report.md`, `charts/*.svg`, `summary.json`.
    public static func files(_ analysis: Analysis, templates: ReportTemplates) throws(RunError) -> [(path: String, bytes: [UInt8])] {
        let view = ReportBuilder.build(analysis, generator: "uxchurn \(uxchurnVersion)")
        var files: [(path: String, bytes: [UInt8])] = []
        // The HTML page, the longest to render, on a second thread while the rest is made here.
        let page = BackgroundValue { Result { () throws(TemplateError) in try templates.render(view, template: "index.html") } }
        let markdown = Result { () throws(TemplateError) in try templates.render(view, template: "report.md") }
        let html = page.wait()
        // Paths and names come from log lines: a control byte among them is shown as `\x1b`.
        let lines: Set<Unicode.Scalar> = ["\n", "\r", "\t"]  // a template may have CRLF line ends
        do throws(TemplateError) {
            files.append(("index.html", Array(Escape.controls(try html.get(), keeping: lines).utf8)))
            files.append(("report.md", Array(Escape.controls(try markdown.get(), keeping: lines).utf8)))
        } catch {
            throw .configuration(error.description)
        }
        for chart in view.charts {
            files.append(("charts/\(chart.name).svg", Array(Escape.controls(chart.svg(standalone: true), keeping: lines).utf8)))
        }
        files.append(("summary.json", Array(SummaryDocument.build(analysis).serialized().utf8)))
        return files
    }

    /// Writes the report folder into `out`, whole or not at all.
    ///
    /// - Returns: the analysis, whose `ingest.faults` make the exit code 3 after writing.
    ///
    /// - Parameter junit: `--junit FILE`; when the file lies inside `out`, it is written with the
    ///   report (and listed as one of its files), else the caller writes it after.
    public static func run(_ options: RunOptions, out: String, templates folder: String? = nil,
                           junit: String? = nil) throws(RunError) -> Analysis {
        // A folder of templates is checked before any log is read; the embedded ones (known to
        // parse) are parsed on a second thread while the logs are.
        let templates: BackgroundValue<Result<ReportTemplates, RunError>>
        if let folder {
            let given = try Self.templates(folder)
            templates = BackgroundValue(ready: .success(given))
        } else {
            templates = BackgroundValue { Result { () throws(RunError) in try Self.templates(nil) } }
        }
        do {
            let folder = try Self.folder(out, options: options)
            let junitInside = junit.flatMap { ReportFolder.relativePath(of: $0, inside: out) }
            return try Analysis.run(options) { analysis throws(RunError) in
                var files = try files(analysis, templates: templates.wait().get())
                if let junitInside { files.append((junitInside, Array(CheckJob.report(analysis).junit().utf8))) }
                try write(files, to: folder)
            }
        } catch {
            // The thread is let finish: a process that exits under it can crash.
            _ = templates.wait()
            throw error
        }
    }

    /// The report folder `out`, checked before any log is read: a folder uxchurn did not write,
    /// or one holding an input or the history file, is refused (exit 2).
    static func folder(_ out: String, options: RunOptions) throws(RunError) -> ReportFolder {
        do {
            return try ReportFolder(out, protecting: options.inputs.filter { $0 != "-" } + [options.statePath].compactMap { $0 })
        } catch {
            throw error.isRefusal ? .configuration(error.description) : .input(error.description)
        }
    }

    static func write(_ files: [(path: String, bytes: [UInt8])], to folder: ReportFolder) throws(RunError) {
        do {
            try folder.write(files)
        } catch {
            throw error.isRefusal ? .configuration(error.description) : .input(error.description)
        }
    }
}
