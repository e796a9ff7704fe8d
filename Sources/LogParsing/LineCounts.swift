import LogInput

/// A skipped line kept as an example: the input, the 1-based physical line
/// number in the decoded file, and its text (at most 512 bytes, invalid UTF-8 replaced).
public struct SkippedLine: Sendable, Equatable {
    public var file: String
    public var line: Int
    public var text: String
    /// Why it does not match the format: the first field that failed (`field 4 (%t): no UTC offset`).
    public var reason: String?
}

/// What one input held: its place in reading order, its format, its
/// counts, its first skipped lines and its gzip faults. A run adds these up in reading order;
/// `uxchurn map` writes them as its side record, and `merge` adds up the ones of every map.
public struct InputRecord: Sendable, Codable {
    /// The input's place in reading order.
    public var rank: Int
    public var file: String
    /// A preset's name or `custom`.
    public var format: String
    var counts = LineCounts()
    /// Up to five skipped lines: 1-based physical line number, and text.
    var samples: [Sample] = []
    public var faults: [InputError] = []
    /// One part of a file cut into byte ranges (`uxchurn map --part`), in file order; nil: the
    /// whole input. A part's line numbers count from its own first line.
    public var part: Int?
    /// Physical lines read, blank ones included: where the next part's line numbers start.
    public var physicalLines: Int?

    struct Sample: Sendable, Codable {
        var line: Int
        var text: String
        var reason: String?
    }

    /// Adds another part of the same input. A later byte range's (`part`) line numbers continue
    /// from the lines before it.
    mutating func absorb(_ other: InputRecord) {
        let offset = other.part != nil ? physicalLines ?? counts.lines : 0
        physicalLines = physicalLines.map { $0 + (other.physicalLines ?? other.counts.lines) }
        counts.merge(other.counts)
        let theirs = other.samples.map { Sample(line: $0.line + offset, text: $0.text, reason: $0.reason) }
        samples = Array((samples + theirs).sorted { $0.line < $1.line }.prefix(IngestResult.maxSamples))
        faults += other.faults
    }
}

/// What the ingest stage counted (the `input` section of summary.json).
public struct IngestResult: Sendable {
    /// Inputs in the order read.
    public var files: [String] = []
    /// Each input's format name (a preset or `custom`), in the order read.
    public var formats: [(file: String, format: String)] = []
    var counts = LineCounts()
    public var lines: Int { counts.lines }
    public var parsed: Int { counts.parsed }
    public var skipped: Int { counts.skipped }
    public var skippedSamples: [SkippedLine] = []
    public var classes: ClassCounts { counts.classes }
    /// Bot requests by family, and probe hits by path.
    public var botFamilies: [String: Int] { counts.botFamilies }
    public var servedHosts: [String: Int] { counts.servedHosts }
    public var probePaths: [String: Int] { counts.probePaths }
    /// The earliest and latest parsed instants: the period.
    public var earliest: LogTimestamp? { counts.earliest }
    public var latest: LogTimestamp? { counts.latest }
    /// Gzip faults: the lines before each were read.
    public var faults: [InputError] = []
    /// Lines read per format name, for the format of most lines.
    var linesByFormat: [String: Int] = [:]
    /// The inputs this result adds up, in reading order.
    public private(set) var records: [InputRecord] = []

    public static let maxSamples = 5

    /// Adds up inputs in reading order (their `rank`). Records of one input (the same rank and
    /// name: Hadoop Streaming's splits of one file) count as one input.
    public init(records: [InputRecord] = []) {
        var combined: [InputRecord] = []
        // A file's byte ranges in file order, each after the lines of those before it.
        for record in records.sorted(by: { ($0.rank, $0.part ?? 0) < ($1.rank, $1.part ?? 0) }) {
            if let last = combined.last, last.rank == record.rank, last.file == record.file {
                combined[combined.count - 1].absorb(record)
            } else {
                combined.append(record)
            }
        }
        for record in combined {
            files.append(record.file)
            formats.append((record.file, record.format))
            counts.merge(record.counts)
            for sample in record.samples where skippedSamples.count < Self.maxSamples {
                skippedSamples.append(SkippedLine(file: record.file, line: sample.line, text: sample.text, reason: sample.reason))
            }
            faults += record.faults
            linesByFormat[record.format, default: 0] += record.counts.lines
            self.records.append(record)
        }
    }

    /// The format of most lines (ties: by name).
    public var format: String {
        linesByFormat.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key
            ?? formats.first?.format ?? "auto"
    }

    /// Each input's format, when they differ.
    public var differingFormats: [(file: String, format: String)]? {
        Set(formats.map(\.format)).count > 1 ? formats : nil
    }
}

/// Lines counted and the period they span: per chunk, per input, per run.
public struct LineCounts: Sendable, Codable {
    public var lines = 0
    public var parsed = 0
    public var skipped = 0
    public var classes = ClassCounts()
    /// Bot requests by family name (the crawler list's, a token, no agent, `/robots.txt`).
    public var botFamilies: [String: Int] = [:]
    /// Hits whose path is a probe's (`probes`), by path.
    public var probePaths: [String: Int] = [:]
    /// Parsed lines by the virtual host that served them (`%v`, `vcombined`), lower-cased,
    /// without `www.`.
    public var servedHosts: [String: Int] = [:]
    /// The earliest and latest parsed instants; the first seen wins a tie.
    public var earliest: LogTimestamp?
    public var latest: LogTimestamp?

    @inline(__always)
    public mutating func include(_ time: LogTimestamp) {
        if time.utcSeconds < (earliest?.utcSeconds ?? .max) { earliest = time }
        if time.utcSeconds > (latest?.utcSeconds ?? .min) { latest = time }
    }

    /// Adds counts that come after these in reading order.
    public mutating func merge(_ other: LineCounts) {
        lines += other.lines
        parsed += other.parsed
        skipped += other.skipped
        classes.merge(other.classes)
        for (family, count) in other.botFamilies { botFamilies[family, default: 0] += count }
        for (path, count) in other.probePaths { probePaths[path, default: 0] += count }
        for (host, count) in other.servedHosts { servedHosts[host, default: 0] += count }
        if let e = other.earliest { include(e) }
        if let l = other.latest { include(l) }
    }
}

/// The running totals of one input, added to the run's in reading order at the end.
struct InputTotals {
    var counts = LineCounts()
    var samples: [(line: Int, text: String, reason: String?)] = []
    var faults: [InputError] = []
    var physicalLines = 0

    mutating func absorb(_ chunk: ChunkResult) {
        counts.merge(chunk.counts)
        physicalLines += chunk.physicalLines
        for sample in chunk.samples where samples.count < IngestResult.maxSamples {
            samples.append((chunk.lineBase + sample.line, sample.text, sample.reason))
        }
    }

    func record(rank: Int, file: String, format: String) -> InputRecord {
        InputRecord(rank: rank, file: file, format: format, counts: counts,
                    samples: samples.map { InputRecord.Sample(line: $0.line, text: $0.text, reason: $0.reason) }, faults: faults,
                    physicalLines: physicalLines)
    }
}

