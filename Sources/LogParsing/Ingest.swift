#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LogInput

/// What the ingest hands parsed chunks to: the session stage, or `uxchurn map`'s writer. Each
/// input's chunks come in their order; the inputs are interleaved by time.
public protocol ParsedChunkConsumer {
    /// One chunk's hits, their values as ids of the interners of the parser `worker` of input
    /// `inputRank` (`ChunkResult.newValues` lists the values each chunk interned first).
    mutating func absorb(_ chunk: ChunkResult, worker: Int, inputRank: Int)
    /// No hit to come is earlier than `bound`, less the disorder allowed; nil: no hit to come.
    mutating func release(upTo bound: Int64?)
    /// Every input was read.
    mutating func finish()
}

/// Options of the ingest stage.
public struct IngestOptions: Sendable {
    /// nil: `auto`, per input.
    public var format: LogFormat?
    /// The zone of timestamps written without a UTC offset (`--timezone`, `timezone:`).
    public var timeZone: TimeZoneRule?
    public var ignore: [String]
    public var bots: [String]
    /// Path regexes that mark a scanner's session (`probes`).
    public var probes = Classifier.defaultProbes
    /// Hits carry their query string (a matcher has `query`).
    public var internQueries = false
    /// Hits carry their referrer's path family (fitting a configuration to the logs).
    public var referrerFamilies = false
    /// Stop after the chunk that reaches this many lines (fitting a configuration to a sample).
    public var lineLimit: Int?
    /// The keys the `json` format reads (`json:` in the configuration).
    public var jsonMap = JSONFieldMap.nginx
    /// The parts of the session key (`session.key` in the configuration).
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
/// the hits, in time order (ties: input, then line), to a `HitStage`.
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
    public func run<Consumer: ParsedChunkConsumer>(_ inputs: [LogInputFile], into stage: inout Consumer) throws -> IngestResult {
        var probes: [InputProbe] = []
        for input in inputs {
            let probe = try InputProbe.probe(input, forced: options.format, timeZone: options.timeZone, json: options.jsonMap)
            if probe.needsTimeZone { throw TimeZoneNeeded(file: input.name, format: probe.format.name) }
            probes.append(probe)
        }
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
                stage.absorb(chunk, worker: worker, inputRank: cursor.rank)
                if let lineLimit = options.lineLimit, cursors.reduce(0, { $0 + $1.totals.counts.lines }) >= lineLimit { break }
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

    public init(bytesRead: Int, lines: Int) {
        self.bytesRead = bytesRead
        self.lines = lines
    }
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
        if probe.format.readsDirectives { chunker.directivePrefix = InputProbe.fieldsDirective }
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

