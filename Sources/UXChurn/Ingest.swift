#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LogInput
import LogParsing
import Reports

/// A skipped line kept as an example (SPEC.md §4.1): the input, the 1-based physical line
/// number in the decoded file, and its text (at most 512 bytes, invalid UTF-8 replaced).
public struct SkippedLine: Sendable, Equatable {
    public var file: String
    public var line: Int
    public var text: String
}

/// What one input held (SPEC.md §4.1–4.2): its place in reading order, its format, its
/// counts, its first skipped lines and its gzip faults. A run adds these up in reading order;
/// `uxchurn map` writes them as its side record, and `merge` adds up the ones of every map.
public struct InputRecord: Sendable, Codable {
    /// The input's place in reading order (SPEC.md §4.3).
    public var rank: Int
    public var file: String
    /// A preset's name or `custom`.
    public var format: String
    var counts = LineCounts()
    /// Up to five skipped lines: 1-based physical line number, and text.
    var samples: [Sample] = []
    public var faults: [InputError] = []

    struct Sample: Sendable, Codable {
        var line: Int
        var text: String
    }

    /// Adds another part of the same input.
    mutating func absorb(_ other: InputRecord) {
        counts.merge(other.counts)
        samples = Array((samples + other.samples).sorted { $0.line < $1.line }.prefix(IngestResult.maxSamples))
        faults += other.faults
    }
}

/// What the ingest stage counted (SPEC.md §4.1–4.2, the `input` section of §5).
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
        for record in records.sorted(by: { $0.rank < $1.rank }) {
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
                skippedSamples.append(SkippedLine(file: record.file, line: sample.line, text: sample.text))
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

/// Options of the ingest stage.
public struct IngestOptions: Sendable {
    /// nil: `auto`, per input.
    public var format: LogFormat?
    public var ignore: [String]
    public var bots: [String]
    /// The parts of the session key (SPEC.md §3 `session.key`).
    public var sessionKey: [SessionKeyPart] = [.ip, .userAgent]
    /// Threads that parse and classify (`--jobs`); 1 reads, inflates and parses everything on
    /// the calling thread.
    public var jobs = 1
    public var chunkSize = LineChunker.defaultChunkSize
    public var maxLineLength = LineChunker.defaultMaxLineLength

    public init(format: LogFormat?, ignore: [String], bots: [String]) {
        self.format = format
        self.ignore = ignore
        self.bots = bots
    }
}

/// The ingest stage: reads every input, splits lines, parses and classifies them, and hands
/// the hits, in the exact order of SPEC.md §4.3, to a `HitStage`.
///
/// With `jobs` above 1, that many worker threads, shared by every input, read and parse chunks
/// (a `WorkerPool`; a gzip input is inflated on a thread of its own) and their results are
/// taken back in chunk order; with `jobs` 1 everything runs on the calling thread. Inputs that
/// cover the same hours (two servers' logs) are read side by side, the one furthest behind in
/// time first, so hits can be released in time order while only minutes of them are held.
public struct Ingest {
    public var options: IngestOptions
    /// Called on the calling thread after each chunk: the progress bar and the memory guard.
    /// An error it throws stops the run.
    public var monitor: ((IngestProgress) throws -> Void)?

    public init(options: IngestOptions) {
        self.options = options
    }

    /// Probes and orders the inputs, then reads them all.
    ///
    /// - Throws: `InputError` when an input cannot be opened or read; a gzip fault is not
    ///   thrown but kept in `faults`, after the lines before it. A regex error from `ignore`.
    public func run(_ inputs: [LogInputFile], hits stage: inout HitStage) throws -> IngestResult {
        var probes: [InputProbe] = []
        for input in inputs { probes.append(try InputProbe.probe(input, forced: options.format)) }
        let ordered = InputProbe.readingOrder(probes)
        var cursors: [InputCursor] = []
        for (rank, probe) in ordered.enumerated() {
            cursors.append(try InputCursor(probe: probe, rank: rank, options: options))
        }
        // Standard input is read on this thread; files, with `--jobs` above 1, on the workers'.
        let workers = options.jobs > 1 && ordered.contains { $0.continuation == nil } ? try WorkerPool(jobs: options.jobs) : nil
        var unopened = 0
        var open: [Int] = []
        while true {
            // Read from the open input furthest behind; open the next one once time reaches it.
            let behind = open.min { cursors[$0].latestSeen < cursors[$1].latestSeen }
            if unopened < cursors.count, behind == nil || cursors[unopened].startsBy(cursors[behind!].latestSeen) {
                try cursors[unopened].open(workers: workers)
                open.append(unopened)
                unopened += 1
                continue
            }
            guard let index = behind else { break }
            let cursor = cursors[index]
            if let (chunk, worker) = try cursor.next() {
                stage.absorb(chunk, worker: worker, input: cursor)
                if let monitor {
                    try monitor(IngestProgress(bytesRead: cursors.reduce(0) { $0 + $1.consumed },
                                               lines: cursors.reduce(0) { $0 + $1.totals.counts.lines }))
                }
            } else {
                open.removeAll { $0 == index }
            }
            // No hit to come is earlier than the lowest of these, less the disorder allowed.
            var bound: Int64? = open.map { cursors[$0].latestSeen }.min()
            if unopened < cursors.count, let first = cursors[unopened].probe.firstTimestamp?.utcSeconds {
                bound = min(bound ?? first, first)
            } else if unopened < cursors.count {
                bound = bound ?? .min
            }
            stage.release(upTo: bound)
        }
        stage.finish()
        return IngestResult(records: cursors.map { $0.totals.record(rank: $0.rank, file: $0.probe.input.name, format: $0.probe.format.name) })
    }
}

/// How far the ingest is: bytes of the input files read (compressed bytes for gzip), lines.
public struct IngestProgress: Sendable {
    public var bytesRead: Int
    public var lines: Int
}

/// One input being read: its reader, its parsers, and its running totals.
public final class InputCursor {
    public let probe: InputProbe
    public let rank: Int
    let options: IngestOptions
    var totals = InputTotals()
    /// The latest instant of a parsed line so far (at first, the probe's first one).
    public private(set) var latestSeen: Int64
    /// Physical lines before the next chunk, per worker-independent chunk order.
    private(set) var linesBefore = 0
    /// Bytes of the file read up to the last chunk taken.
    private(set) var consumed = 0

    private var serial: ChunkParser
    /// The run's parser threads and this input's number among theirs, with `--jobs` above 1.
    private var pool: (workers: WorkerPool, input: Int)?
    /// The chunks read on the calling thread: standard input's after the probe's, or a file's
    /// with `--jobs 1`.
    private var chunker: LineChunker?
    private var replay: [LineChunk]
    private var replayFault: InputError?
    private var finished = false

    init(probe: InputProbe, rank: Int, options: IngestOptions) throws {
        self.probe = probe
        self.rank = rank
        self.options = options
        serial = try ChunkParser(format: probe.format, options: options)
        latestSeen = probe.firstTimestamp?.utcSeconds ?? .max
        replay = probe.replay
        replayFault = probe.replayFault
        chunker = probe.continuation
    }

    /// Whether this input's first line is at or before `instant` (inputs without one: never,
    /// so they are opened last).
    func startsBy(_ instant: Int64) -> Bool {
        guard let first = probe.firstTimestamp?.utcSeconds else { return instant == .max }
        return first <= instant
    }

    /// Opens the file; with `workers`, its chunks are read and parsed on their threads.
    func open(workers: WorkerPool?) throws {
        guard probe.continuation == nil else { return }  // standard input: the probe opened it
        let reader = try LogReader(probe.input)
        let gzip = reader.isGzip
        let chunker = LineChunker(reader: reader, chunkSize: options.chunkSize, maxLineLength: options.maxLineLength)
        guard let workers else {
            self.chunker = chunker
            return
        }
        pool = (workers, try workers.add(chunker, gzip: gzip, format: probe.format, options: options))
    }

    /// The next chunk's result, in chunk order, with the worker that parsed it; nil at the end.
    func next() throws -> (ChunkResult, Int)? {
        guard !finished else { return nil }
        let got: (ChunkResult, Int)?
        do {
            got = try read()
        } catch let error as InputError where error.keepsEarlierLines {
            totals.faults.append(error)
            got = nil
        }
        guard let (chunk, worker) = got else {
            finished = true
            return nil
        }
        var absolute = chunk
        consumed = max(consumed, chunk.consumed)
        absolute.lineBase = linesBefore
        linesBefore += chunk.physicalLines
        totals.absorb(absolute)
        if let latest = chunk.counts.latest?.utcSeconds { latestSeen = latestSeen == .max ? latest : max(latestSeen, latest) }
        return (absolute, worker)
    }

    private func read() throws -> (ChunkResult, Int)? {
        // Standard input: what the probe read comes first.
        if !replay.isEmpty {
            var chunk = replay.removeFirst()
            return (serial.parse(&chunk), 0)
        }
        if let fault = replayFault {
            replayFault = nil
            throw fault
        }
        if let pool { return try pool.workers.next(of: pool.input) }
        guard let chunker, var chunk = try chunker.next() else { return nil }
        let result = serial.parse(&chunk)
        chunker.recycle(chunk)
        return (result, 0)
    }
}

/// Lines counted (SPEC.md §4.1–4.2) and the period they span: per chunk, per input, per run.
struct LineCounts: Sendable, Codable {
    var lines = 0
    var parsed = 0
    var skipped = 0
    var classes = ClassCounts()
    /// The earliest and latest parsed instants; the first seen wins a tie.
    var earliest: LogTimestamp?
    var latest: LogTimestamp?

    @inline(__always)
    mutating func include(_ time: LogTimestamp) {
        if time.utcSeconds < (earliest?.utcSeconds ?? .max) { earliest = time }
        if time.utcSeconds > (latest?.utcSeconds ?? .min) { latest = time }
    }

    /// Adds counts that come after these in reading order.
    mutating func merge(_ other: LineCounts) {
        lines += other.lines
        parsed += other.parsed
        skipped += other.skipped
        classes.merge(other.classes)
        if let e = other.earliest { include(e) }
        if let l = other.latest { include(l) }
    }
}

/// The running totals of one input, added to the run's in reading order at the end.
struct InputTotals {
    var counts = LineCounts()
    var samples: [(line: Int, text: String)] = []
    var faults: [InputError] = []

    mutating func absorb(_ chunk: ChunkResult) {
        counts.merge(chunk.counts)
        for sample in chunk.samples where samples.count < IngestResult.maxSamples {
            samples.append((chunk.lineBase + sample.line, sample.text))
        }
    }

    func record(rank: Int, file: String, format: String) -> InputRecord {
        InputRecord(rank: rank, file: file, format: format, counts: counts,
                    samples: samples.map { InputRecord.Sample(line: $0.line, text: $0.text) }, faults: faults)
    }
}

/// A hit as a parser thread sees it: values are ids of that parser's own interners.
struct RawHit: Sendable {
    var time: Int64
    var offsetMinutes: Int16
    var isPageView: Bool
    var status: Int16
    /// The physical line within the chunk, 1-based.
    var line: Int32
    var responseMicroseconds: Int64
    var path: Int32
    var method: Int32
    var agent: Int32
    var address: Int32
    var extra: Int32
    var referrerHost: Int32
}

/// Values a parser interned for the first time in a chunk, in id order, so the run can map
/// the parser's ids to its own.
struct NewValues: Sendable {
    var paths: [[UInt8]] = []
    var agents: [[UInt8]] = []
    var methods: [[UInt8]] = []
    var addresses: [[UInt8]] = []
    var extras: [[UInt8]] = []
    var hosts: [[UInt8]] = []
}

/// What one chunk held: counts, period, samples and hits, with line numbers relative to the chunk.
public struct ChunkResult: Sendable {
    /// Physical lines, blank ones included, for numbering the next chunk's lines.
    var physicalLines = 0
    /// Physical lines of the input before this chunk (set when the chunk is taken, in order).
    var lineBase = 0
    var counts = LineCounts()
    /// Up to five skipped lines: 1-based line number within the chunk, and text.
    var samples: [(line: Int, text: String)] = []
    var hits: [RawHit] = []
    var newValues = NewValues()
    /// Bytes of the input file read when the chunk was cut.
    var consumed = 0
}

/// Parses and classifies the lines of chunks: the per-line loop, free of shared state, so it
/// can run on any thread.
struct ChunkParser {
    let parser: LineParser
    var classifier: Classifier
    let maxLineLength: Int
    let keyAddress: Bool
    let keyAgent: Bool
    /// The session key's third part: 0 none, 1 `user`, 2 a cookie.
    let keyExtra: Int
    var fields = ParsedLine()
    var addresses = ByteInterner(capacity: 4096)
    var extras = ByteInterner(capacity: 1024)
    var hosts = ByteInterner(capacity: 256)
    private var sent = [0, 0, 0, 0, 0, 0]
    /// Hits of the last chunk: room is made for about as many, so the list is not regrown.
    private var lastHitCount = 0

    init(format: LogFormat, options: IngestOptions) throws {
        var cookie: String?
        var extra = 0
        for part in options.sessionKey {
            if case let .cookie(name) = part { cookie = name; extra = 2 }
            if case .user = part { extra = 1 }
        }
        parser = LineParser(format: format, cookieName: cookie)
        classifier = try Classifier(format: format, ignorePatterns: options.ignore, extraBotTokens: options.bots)
        maxLineLength = options.maxLineLength
        keyAddress = options.sessionKey.contains(.ip)
        keyAgent = options.sessionKey.contains(.userAgent)
        keyExtra = extra
    }

    /// Counts the chunk's lines and collects its hits. `inout` so the buffer is written in
    /// place, never copied.
    mutating func parse(_ chunk: inout LineChunk) -> ChunkResult {
        var result = ChunkResult()
        result.consumed = chunk.consumed
        result.hits.reserveCapacity(lastHitCount + lastHitCount / 8)
        if let long = chunk.overlongBefore {
            result.physicalLines = 1
            result.counts.lines = 1
            result.counts.skipped = 1
            result.samples.append((1, Self.sampleText(long.prefix[...])))
        }
        let count = chunk.count
        // Held here, so the per-line call does not retain and release it around each line
        // (`fields`, written by the call, is a part of `self` too).
        let parser = self.parser
        chunk.bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            var pos = 0
            while pos < count {
                let newline: Int
                if let hit = memchr(base + pos, 0x0A, count - pos) {
                    newline = base.distance(to: hit)
                } else {
                    newline = count
                }
                result.physicalLines += 1
                var end = newline
                if end > pos, base.load(fromByteOffset: end - 1, as: UInt8.self) == 0x0D { end -= 1 }
                let length = end - pos
                if length > 0 {
                    result.counts.lines += 1
                    let line = UnsafeMutableRawBufferPointer(start: base + pos, count: length)
                    if length <= maxLineLength, parser.parse(line, into: &fields) {
                        result.counts.parsed += 1
                        let hitClass = classifier.classify(UnsafeRawBufferPointer(line), fields)
                        result.counts.classes.add(hitClass)
                        result.counts.include(fields.timestamp)
                        if hitClass.isHit {
                            result.hits.append(makeHit(UnsafeRawBufferPointer(line), hitClass, line: result.physicalLines))
                        }
                    } else {
                        result.counts.skipped += 1
                        if result.samples.count < IngestResult.maxSamples {
                            // A line that does not match is left as written (escapes are decoded only on a match).
                            result.samples.append((result.physicalLines, Self.sampleText(UnsafeRawBufferPointer(line)[...])))
                        }
                    }
                }
                pos = newline + 1
            }
        }
        result.newValues = takeNewValues()
        lastHitCount = result.hits.count
        return result
    }

    private mutating func makeHit(_ line: UnsafeRawBufferPointer, _ hitClass: HitClass, line number: Int) -> RawHit {
        // `line` is non-empty: it parsed.
        let base = line.baseAddress!
        func bytes(_ range: FieldRange) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: base + Int(range.start), count: range.count)
        }
        let address = keyAddress ? addresses.intern(bytes(fields.address)).id : -1
        var extra: Int32 = -1
        if keyExtra == 1 { extra = extras.intern(bytes(fields.user)).id }
        if keyExtra == 2 { extra = extras.intern(bytes(fields.cookie)).id }
        return RawHit(
            time: fields.timestamp.utcSeconds, offsetMinutes: fields.timestamp.offsetMinutes,
            isPageView: hitClass == .pageView, status: Int16(fields.status), line: Int32(number),
            responseMicroseconds: fields.responseMicroseconds, path: classifier.pathID, method: classifier.methodID,
            agent: classifier.agentID, address: address, extra: extra,
            referrerHost: referrerHost(bytes(fields.referrer)))
    }

    /// The referrer's host, lower-cased, without `www.`; -1 when empty or `-`.
    private mutating func referrerHost(_ referrer: UnsafeRawBufferPointer) -> Int32 {
        if referrer.isEmpty || (referrer.count == 1 && referrer[0] == 0x2D) { return -1 }
        var start = 0
        if let scheme = Self.schemeEnd(referrer) { start = scheme }
        var end = start
        while end < referrer.count {
            let byte = referrer[end]
            if byte == 0x2F || byte == 0x3A || byte == 0x3F || byte == 0x23 { break }  // / : ? #
            end += 1
        }
        @inline(__always) func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte | 0x20 : byte }
        if end - start > 4, lower(referrer[start]) == 0x77, lower(referrer[start + 1]) == 0x77,
           lower(referrer[start + 2]) == 0x77, referrer[start + 3] == 0x2E {  // www.
            start += 4
        }
        // Lower-cased into a scratch buffer on the stack: no allocation per hit.
        let count = end - start
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(count, 1)) { host in
            for index in 0..<count { host[index] = lower(referrer[start + index]) }
            return hosts.intern(UnsafeRawBufferPointer(start: host.baseAddress, count: count)).id
        }
    }

    private static func schemeEnd(_ text: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        while i + 2 < text.count {
            if text[i] == 0x3A, text[i + 1] == 0x2F, text[i + 2] == 0x2F { return i + 3 }
            if text[i] == 0x2F { return nil }
            i += 1
        }
        return nil
    }

    private mutating func takeNewValues() -> NewValues {
        var values = NewValues()
        func new(_ interner: ByteInterner, _ index: Int) -> [[UInt8]] {
            guard interner.count > sent[index] else { return [] }
            let list = (sent[index]..<interner.count).map { Array(interner.bytes(of: Int32($0))) }
            sent[index] = interner.count
            return list
        }
        values.paths = new(classifier.paths, 0)
        values.agents = new(classifier.agents, 1)
        values.methods = new(classifier.methods, 2)
        values.addresses = new(addresses, 3)
        values.extras = new(extras, 4)
        values.hosts = new(hosts, 5)
        return values
    }

    /// A skipped line's start as messages and reports show it: control bytes made visible.
    static func sampleText<C: Collection<UInt8>>(_ text: C) -> String {
        Escape.controls(String(decoding: text.prefix(LineChunker.samplePrefixLength), as: UTF8.self))
    }
}
