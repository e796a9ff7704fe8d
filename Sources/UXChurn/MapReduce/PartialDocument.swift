import Sessions
import LogParsing
import Analysis
import JSON
import History
import Reports

/// A partial result as `reduce` writes it and `merge` reads it: one JSON object per line.
///
/// Ids inside `statistics` (page groups, referrer hosts, visitors) index this document's own
/// name lists; `merge` matches them by name. `configuration` fingerprints what the figures
/// depend on, so partials of different configurations are not added up.
struct PartialDocument: Codable {
    /// 2: page groups keep their first values as they came (`raw`), and `lateHits`.
    /// 3: the configuration fingerprinted from a canonical encoding.
    /// 6: the frustration signals (per session statistics and per day).
    /// 7: visitors as counts (`reduce --inputs`): `retentionCounts`, and days' `countedVisitors`.
    static let version = 7

    var uxchurnPartial = PartialDocument.version
    var configuration: String
    var inputs: [InputRecord]
    var hitsOutsideWindow: Int
    var lateHits: Int
    var groupNames: [String]
    var configuredGroups: Int
    var hostNames: [String]
    var visitorKeys: [String]
    var advice: AdviceCollector?
    /// With `reduce --inputs`: retention's counts, in place of a record per visitor.
    var retentionCounts: RetentionCounts?
    var statistics: SessionStatistics

    init(_ result: PartialResult, configuration: Configuration) {
        self.configuration = Self.fingerprint(configuration)
        inputs = result.ingest.records
        hitsOutsideWindow = result.hitsOutsideWindow
        lateHits = result.lateHits
        groupNames = result.groupNames
        configuredGroups = result.configuredGroups
        hostNames = result.hostNames
        visitorKeys = result.visitorKeys
        advice = result.advice
        retentionCounts = result.retentionCounts
        statistics = result.statistics
    }

    var result: PartialResult {
        var result = PartialResult(ingest: IngestResult(records: inputs), statistics: statistics, groupNames: groupNames,
                                   configuredGroups: configuredGroups, hostNames: hostNames, visitorKeys: visitorKeys,
                                   hitsOutsideWindow: hitsOutsideWindow, advice: advice)
        result.lateHits = lateHits
        result.retentionCounts = retentionCounts
        return result
    }

    /// The version alone, read first, so a partial of another version is named as such rather
    /// than failing on a field it lacks.
    struct Header: Decodable {
        var uxchurnPartial: Int
    }

    /// What the partial figures depend on — everything but what only `merge` uses (thresholds,
    /// site host, churn days, the file it came from) — hashed from a canonical JSON encoding
    /// (sorted keys), so that nothing but a change of these settings changes it.
    static func fingerprint(_ configuration: Configuration) -> String {
        struct Matcher: Encodable {
            var method: String?
            var path: String
            init(_ matcher: HitMatcher) { method = matcher.method; path = matcher.path }
        }
        struct Step: Encodable { var name: String; var matcher: Matcher }
        struct Funnel: Encodable { var name: String; var steps: [Step] }
        struct Page: Encodable { var name: String; var path: String }
        struct Cart: Encodable { var add: Matcher; var purchase: Matcher }
        struct Canonical: Encodable {
            var sessionTimeoutSeconds: Double
            var sessionKey: [String]
            var format: String?
            var ignore: [String]
            var bots: [String]
            var pages: [Page]
            var cart: Cart?
            var funnels: [Funnel]
            var apdexThresholdMilliseconds: Double
            var builtIn: Bool
        }
        let canonical = Canonical(
            sessionTimeoutSeconds: configuration.sessionTimeoutSeconds,
            sessionKey: configuration.sessionKey.map { part in
                switch part {
                case .ip: return "ip"
                case .userAgent: return "user_agent"
                case .user: return "user"
                case let .cookie(name): return "cookie:" + name
                }
            },
            format: configuration.format, ignore: configuration.ignore, bots: configuration.bots,
            pages: configuration.pages.map { Page(name: $0.name, path: $0.path) },
            cart: configuration.cart.map { Cart(add: Matcher($0.add), purchase: Matcher($0.purchase)) },
            funnels: configuration.funnels.map { funnel in
                Funnel(name: funnel.name, steps: funnel.steps.map { Step(name: $0.name, matcher: Matcher($0.matcher)) })
            },
            apdexThresholdMilliseconds: configuration.apdexThresholdMilliseconds, builtIn: configuration.isBuiltIn)
        // Plain strings and finite numbers (the configuration is validated): encoding does not fail.
        let text = (try? JSONValueEncoder().text(canonical)) ?? ""
        let hash = SipHash24(key: Array("uxchurn-config-2".utf8)).hash(Array(text.utf8))
        return String(hash, radix: 16)
    }

    /// Writes the document as one line to a file descriptor.
    func write(to descriptor: Int32) throws(RunError) {
        let out = ByteOutput(descriptor: descriptor)
        out.append(Array(try json().utf8))
        out.append(10)
        try out.flush(force: true)
    }

    func json() throws(RunError) -> String {
        do {
            return try JSONValueEncoder().text(self)
        } catch {
            throw .input("the partial result did not encode: \(error)")
        }
    }

    /// Reads the partial results in a file (`-`: standard input), one per line.
    ///
    /// - Throws: `RunError.input` naming the file and line of one that does not decode.
    static func read(_ path: String) throws(RunError) -> [PartialDocument] {
        let text: String
        if path == "-" {
            var bytes: [UInt8] = []
            try ByteLines(descriptor: 0).forEach { line, _ in bytes += line + [10] }
            text = String(decoding: bytes, as: UTF8.self)
        } else {
            do {
                text = try readTextFile(path)
            } catch {
                throw .input(error.description)
            }
        }
        var documents: [PartialDocument] = []
        let decoder = JSONValueDecoder()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where !line.allSatisfy(\.isWhitespace) {
            do {
                let value = try JSONValue.parse(Array(line.utf8))
                let header = try decoder.decode(Header.self, from: value)
                guard header.uxchurnPartial == version else {
                    throw RunError.input("\(path):\(index + 1): a partial result of version \(header.uxchurnPartial); this uxchurn reads version \(version): run map, reduce and merge with one uxchurn")
                }
                let document = try decoder.decode(PartialDocument.self, from: value)
                documents.append(document)
            } catch let error as RunError {
                throw error
            } catch {
                throw .input("\(path):\(index + 1): not a partial result of uxchurn reduce (\(error))")
            }
        }
        return documents
    }
}

/// `uxchurn merge PARTIAL...`: adds up the partial results of `reduce` and writes the report
/// folder exactly as `report` does over the same lines.
public enum MergeJob {
    /// The analysis of the merged partials: thresholds, days, retention (and with `--state`,
    /// this night stored). `options.inputs` are the partial files.
    public static func result(_ options: RunOptions, publish: Pipeline.Publish? = nil) throws(RunError) -> RunResult {
        let configuration = try options.loadConfiguration()
        let merged = try merged(options, configuration: configuration)
        if let counts = merged.retentionCounts {
            // Counted against the end reduce was given; this merge's must be the same.
            if options.statePath != nil {
                throw .configuration("--state keeps one record per visitor, and these partials carry their visitors as counts (reduce --inputs): reduce without --inputs to keep a history")
            }
            let end = HistoryStep.periodEnd(options, merged.ingest)
            if counts.cutoff != end - Int64(configuration.churnInactiveDays) * 86_400 {
                throw .configuration("the partials' visitors were counted for a period ending at another time than this merge's: give reduce the side records of every map task (--inputs) and the job's --to")
            }
        }
        let store = try HistoryStep.open(options)
        try Pipeline.checkSkipped(merged.ingest, options: options, inputs: [])
        let keys = merged.visitorKeys
        let result = RunResult(merged, configuration: configuration)
        return try HistoryStep.record(result, in: store, options: options, publish: publish) { hasher in
            var out: [UInt64: VisitorRecord] = [:]
            for (id, record) in merged.statistics.visitors.records().enumerated() {
                if let record { out[hasher.hash(Array(keys[id].utf8))] = record }
            }
            return out
        }
    }

    /// `uxchurn merge --partial`: the partials added up and written as one partial result (a
    /// tree of merges on a cluster's executors, the last one writing the report).
    public static func partial(_ options: RunOptions, to output: Int32) throws(RunError) {
        let configuration = try options.loadConfiguration()
        try PartialDocument(try merged(options, configuration: configuration), configuration: configuration).write(to: output)
    }

    /// The partial results in `options.inputs`, added up in the order given.
    ///
    /// - Throws: `RunError.configuration` for a partial of another configuration, or partials
    ///   that carry their visitors as counts (`reduce --inputs`) mixed with others or counted
    ///   against another period's end.
    static func merged(_ options: RunOptions, configuration: Configuration) throws(RunError) -> PartialResult {
        guard !options.inputs.isEmpty else { throw .configuration("no partial result: name the files uxchurn reduce wrote, or - for standard input") }
        var documents: [(path: String, document: PartialDocument)] = []
        for path in options.inputs {
            for document in try PartialDocument.read(path) { documents.append((path, document)) }
        }
        let fingerprint = PartialDocument.fingerprint(configuration)
        for (path, document) in documents where document.configuration != fingerprint {
            throw .configuration("\(path): made with another configuration than \(configuration.source); run map, reduce and merge with the same --config")
        }
        if let first = documents.first?.document.retentionCounts {
            if let (path, document) = documents.first(where: { $0.document.retentionCounts?.cutoff != first.cutoff }) {
                throw .configuration("\(path): \(document.retentionCounts == nil ? "has one record per visitor, where other partials carry their visitors as counts" : "its visitors were counted for another period's end than the other partials'"); reduce every partition with the same --inputs and --to")
            }
        } else if let (path, _) = documents.first(where: { $0.document.retentionCounts != nil }) {
            throw .configuration("\(path): carries its visitors as counts (reduce --inputs), where other partials have one record per visitor; reduce every partition the same way")
        }
        var merged = PartialResult(groupNames: configuration.pages.map(\.name), statistics: configuration.emptyStatistics(),
                                   advice: configuration.isBuiltIn)
        for (_, document) in documents { merged.merge(document.result) }
        return merged
    }

    /// Merges and writes the report folder into `out`, whole or not at all.
    ///
    /// - Parameter junit: as for `ReportJob.run`: written with the report when it lies inside `out`.
    public static func run(_ options: RunOptions, out: String, templates folder: String? = nil,
                           junit: String? = nil) throws(RunError) -> RunResult {
        try ReportJob.write(options, out: out, templates: folder, junit: junit) { options, publish throws(RunError) in
            try result(options, publish: publish)
        }
    }
}
