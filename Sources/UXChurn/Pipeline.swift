import History
import Analysis
import LogInput
import LogParsing
import Sessions

/// The pipeline of `report` and `check`, one stage a line:
///
///     inputs → chunks → parsed hits → sessions → statistics → result → report / summary / history
///
/// `LogInput` reads the inputs into chunks of lines; `LogParsing` parses and classifies them
/// (`Ingest`, on `--jobs` threads); `Sessions` orders the hits and cuts them into sessions
/// (`HitStage`); `Analysis` folds the sessions into statistics (`StatisticsFold`) and makes the
/// result (`RunResult`); `History` stores the night; `Reports` renders every output.
public enum Pipeline {
    /// What a run does with its result before a `--state` history commits the night (`report`
    /// writes its folder): when it fails, the history is left as it was.
    public typealias Publish = (RunResult) throws(RunError) -> Void

    public static func run(_ options: RunOptions, publish: Publish? = nil) throws(RunError) -> RunResult {
        var configuration = try options.loadConfiguration()
        let inputs = try resolveInputs(options.inputs)
        let history = try HistoryStep.open(options)  // a refused state stops the run before any log is read
        // Without a configuration of its own, the run fits one to the logs; standard input and
        // pipes cannot be read twice, so there the built-in preset stays, with advice.
        var fitted: FittedConfiguration?
        if configuration.isBuiltIn, !inputs.contains(where: \.readsOnce) {
            let fit = try FittedConfiguration.fit(inputs, options: options, presetHint: nil)
            configuration = fit.configuration
            fitted = fit
        }
        let advises = configuration.isBuiltIn
        let fold = StatisticsFold(configuration.emptyStatistics(), inBackground: options.jobs > 1, advice: advises, referrals: advises)
        var sessions = try configuration.hitStage(options, destination: .sessions(fold))
        var ingestOptions = try configuration.ingestOptions(options)
        ingestOptions.referrerFamilies = advises
        let ingest = try parse(inputs, into: &sessions, options: ingestOptions, observer: options.observer)
        try checkSkipped(ingest, options: options, inputs: inputs, timeZone: ingestOptions.timeZone, json: ingestOptions.jsonMap)
        let statistics = PartialResult(ingest: ingest, sessions: sessions, statistics: fold.finish(), advice: fold.advice)
        var result = RunResult(statistics, configuration: configuration)
        result.fitted = fitted.map { FittedSummary(advice: $0.advice, sampledLines: $0.sampledLines) }
        return try HistoryStep.record(result, in: history, options: options, publish: publish) { hasher in
            hashedVisitors(sessions, statistics.statistics, hasher: hasher)
        }
    }

    /// The inputs named: files, folders of rotated logs, `-`.
    public static func resolveInputs(_ names: [String]) throws(RunError) -> [LogInputFile] {
        let inputs: [LogInputFile]
        do {
            inputs = try InputResolver.resolve(names)
        } catch {
            throw .input(error.description)
        }
        guard !inputs.isEmpty else { throw .configuration("no input: name log files, folders or - for standard input") }
        return inputs
    }

    /// Reads, parses and classifies every input into `consumer`, telling `observer` how far it is.
    static func parse<Consumer: ParsedChunkConsumer>(_ inputs: [LogInputFile], into consumer: inout Consumer,
                                                     options: IngestOptions,
                                                     observer: (any IngestObserver)?) throws(RunError) -> IngestResult {
        observer?.start(totalBytes: inputs.reduce(0) { $0 + $1.size })
        defer { observer?.finish() }
        do {
            var run = Ingest(options: options)
            if let observer {
                run.monitor = { progress in try observer.update(progress) }
            }
            return try run.run(inputs, into: &consumer)
        } catch let error as RunError {
            throw error
        } catch let error as InputError {
            throw .input(error.description)
        } catch let error as TimeZoneNeeded {
            throw .configuration(error.description)
        } catch {
            throw .configuration("a regex in the configuration does not compile: \(error)")
        }
    }

    /// More than `--max-bad-lines` skipped (or any, with `--strict`) stops the run before any
    /// report is written, with three samples and the format `auto` would pick.
    /// - Parameters:
    ///   - timeZone: the zone the run read offset-less times in (the option's or the configuration's).
    ///   - json: the keys the run's `json` format reads.
    static func checkSkipped(_ ingest: IngestResult, options: RunOptions, inputs: [LogInputFile],
                             timeZone zone: TimeZoneRule? = nil, json: JSONFieldMap = .nginx) throws(RunError) {
        guard ingest.skipped > 0 else { return }
        let share = ingest.lines == 0 ? 0 : Double(ingest.skipped) / Double(ingest.lines)
        let tooMany = options.strict || share > options.maxBadLineShare
        guard tooMany else { return }
        var message = options.strict
            ? "\(ingest.skipped) of \(ingest.lines) lines do not parse, and --strict allows none"
            : "\(ingest.skipped) of \(ingest.lines) lines (\(percent(share))) do not parse as \(ingest.format); the limit is \(percent(options.maxBadLineShare)) (--max-bad-lines)"
        for sample in ingest.skippedSamples.prefix(3) {
            message += "\n  \(sample.file):\(sample.line): \(sample.text.prefix(200))"
            if let reason = sample.reason { message += "\n    \(reason)" }
        }
        var suggestions: [String] = []
        for input in inputs where !input.readsOnce {
            if let probe = try? InputProbe.probe(input, forced: nil, timeZone: zone, json: json) {
                suggestions.append("\(input.name): \(probe.format.name)")
            }
        }
        // A custom format: the `-f` string that reads the first sample, from its own fields.
        if let first = ingest.skippedSamples.first,
           let format = FormatSuggestion.suggest(for: Array(first.text.utf8), timeZone: zone) {
            message += "\n-f '\(format)' would read \(first.file):\(first.line)"
        }
        if !suggestions.isEmpty {
            message += "\n`--format auto` would pick: " + suggestions.joined(separator: ", ")
        }
        for fault in ingest.faults {
            message += "\nalso: \(fault.description)"
        }
        throw .input(message)
    }

    /// Each visitor's retention record, keyed by the keyed hash of its session key: what the
    /// history stores instead of the key itself.
    static func hashedVisitors(_ sessions: HitStage, _ statistics: SessionStatistics, hasher: SipHash24) -> [UInt64: VisitorRecord] {
        let records = statistics.visitors.records()
        var out: [UInt64: VisitorRecord] = [:]
        out.reserveCapacity(sessions.visitorCount)
        for (id, key) in sessions.visitorKeys.enumerated() {
            guard id < records.count, let record = records[id] else { continue }
            out[hasher.hash(sessions.values.keyBytes(key))] = record
        }
        return out
    }
}

/// `0.5%`, `5%`: a share as messages show it.
func percent(_ share: Double) -> String {
    let value = (share * 1000).rounded() / 10
    return value == value.rounded() ? "\(Int(value))%" : "\(value)%"
}

extension PartialResult {
    /// A one-machine run's partial result: its line counts, statistics and the names behind their ids.
    init(ingest: IngestResult, sessions: HitStage, statistics: SessionStatistics, advice: AdviceCollector?) {
        self.init(ingest: ingest, statistics: statistics, groupNames: sessions.pageGroups.names,
                  configuredGroups: sessions.pageGroups.configuredCount,
                  hostNames: (0..<sessions.values.hosts.count).map { sessions.values.hosts.string(of: Int32($0)) },
                  visitorKeys: [], hitsOutsideWindow: sessions.hitsOutsideWindow,
                  advice: advice)
        lateHits = sessions.lateHits
    }
}

extension RunResult {
    /// Thresholds and days from the figures (retention comes from `HistoryStep.record`: over
    /// this run's visitors, or over the history's).
    init(_ results: PartialResult, configuration: Configuration) {
        self.init(settings: configuration.resultSettings, results: results,
                  thresholds: ThresholdEvaluator.evaluate(configuration.thresholds, results: results))
        days = results.statistics.dayFigures(groupNames: results.groupNames)
        unmatched = Self.unmatched(results, configuration: configuration)
        for index in thresholds.indices { thresholds[index].unmatched = unmatched(for: thresholds[index].rule) }
    }

    /// The funnel steps, cart matchers and page groups of `configuration` no hit matched.
    static func unmatched(_ results: PartialResult, configuration: Configuration) -> [UnmatchedMatcher] {
        let bits = StatisticsFold.matcherBits(funnels: configuration.funnels, cart: configuration.cart)
        let matched = results.statistics.matchedMatchers
        func missing(_ bit: Int) -> Bool { matched & (1 << UInt64(bit)) == 0 }
        var out: [UnmatchedMatcher] = []
        for (funnel, stepBits) in zip(configuration.funnels, bits.funnelBits) {
            for (step, bit) in zip(funnel.steps, stepBits) where missing(bit) {
                out.append(UnmatchedMatcher(kind: .funnelStep, funnel: funnel.name, name: step.name, matcher: step.matcher))
            }
        }
        if let cart = configuration.cart, let cartBits = bits.cartBits {
            if missing(cartBits.add) { out.append(UnmatchedMatcher(kind: .cartAdd, name: "add", matcher: cart.add)) }
            if missing(cartBits.purchase) { out.append(UnmatchedMatcher(kind: .cartPurchase, name: "purchase", matcher: cart.purchase)) }
        }
        let groups = results.statistics.groups
        for page in configuration.pages {
            guard let index = results.groupNames.firstIndex(of: page.name) else { continue }
            if index >= groups.count || groups[index].views == 0 {
                out.append(UnmatchedMatcher(kind: .pageGroup, name: page.name, matcher: HitMatcher(method: nil, path: page.path)))
            }
        }
        return out
    }
}
