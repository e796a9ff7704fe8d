#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LogInput
import LogParsing

/// A skipped line kept as an example (SPEC.md §4.1): the input, the 1-based physical line
/// number in the decoded file, and its text (at most 512 bytes, invalid UTF-8 replaced).
public struct SkippedLine: Sendable, Equatable {
    public var file: String
    public var line: Int
    public var text: String
}

/// What the ingest stage counted (SPEC.md §4.1–4.2, the `input` section of §5).
public struct IngestResult: Sendable {
    /// Inputs in the order read.
    public var files: [String] = []
    /// Each input's format name (a preset or `custom`), in the order read.
    public var formats: [(file: String, format: String)] = []
    public var lines = 0
    public var parsed = 0
    public var skipped = 0
    public var skippedSamples: [SkippedLine] = []
    public var classes = ClassCounts()
    public var earliest: LogTimestamp?
    public var latest: LogTimestamp?
    /// Gzip faults: the lines before each were read.
    public var faults: [InputError] = []
    /// Lines read per format name, for the format of most lines.
    var linesByFormat: [String: Int] = [:]

    public static let maxSamples = 5

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
    /// Threads that parse and classify (`--jobs`); 1 parses on the calling thread.
    public var jobs = 1
    public var chunkSize = LineChunker.defaultChunkSize
    public var maxLineLength = LineChunker.defaultMaxLineLength

    public init(format: LogFormat?, ignore: [String], bots: [String]) {
        self.format = format
        self.ignore = ignore
        self.bots = bots
    }
}

/// The ingest stage: reads every input oldest first, splits lines, parses and classifies them.
///
/// Each input is read (and decompressed) on a thread of its own, a few chunks ahead. With
/// `jobs` above 1, chunks are parsed on that many worker threads and their results taken back
/// in chunk order, so every count and sample is the same as on one thread.
public struct Ingest {
    public var options: IngestOptions

    public init(options: IngestOptions) {
        self.options = options
    }

    /// Probes and orders the inputs, then reads them all.
    ///
    /// - Throws: `InputError` when an input cannot be opened or read; a gzip fault is not
    ///   thrown but kept in `faults`, after the lines before it. A regex error from `ignore`.
    public func run(_ inputs: [LogInputFile]) throws -> IngestResult {
        var probes: [InputProbe] = []
        for input in inputs { probes.append(try InputProbe.probe(input, forced: options.format)) }
        var result = IngestResult()
        for probe in InputProbe.readingOrder(probes) {
            try read(probe, into: &result)
        }
        return result
    }

    private func read(_ probe: InputProbe, into result: inout IngestResult) throws {
        let name = probe.input.name
        result.files.append(name)
        result.formats.append((name, probe.format.name))
        var parser = try ChunkParser(format: probe.format, options: options)
        var merger = ChunkMerger(file: name)
        let linesBefore = result.lines
        do {
            if let chunker = probe.continuation {
                // Standard input: what the probe read, then the rest, on this thread.
                for var chunk in probe.replay { merger.absorb(parser.parse(&chunk), into: &result) }
                if let fault = probe.replayFault { throw fault }
                while var chunk = try chunker.next() { merger.absorb(parser.parse(&chunk), into: &result) }
            } else {
                let reader = try LogReader(probe.input)
                let stream = ChunkStream(chunker: LineChunker(
                    reader: reader, chunkSize: options.chunkSize, maxLineLength: options.maxLineLength))
                if options.jobs > 1 {
                    try readInParallel(stream, format: probe.format, merger: &merger, into: &result)
                } else {
                    while var chunk = try stream.next() {
                        merger.absorb(parser.parse(&chunk), into: &result)
                        stream.recycle(&chunk)
                    }
                }
            }
        } catch let error as InputError where error.keepsEarlierLines {
            result.faults.append(error)
        }
        result.linesByFormat[probe.format.name, default: 0] += result.lines - linesBefore
    }

    /// A distributor thread deals chunks to `jobs` workers in turn; this thread takes their
    /// results back in the same turn, so they merge in chunk order.
    private func readInParallel(_ stream: ChunkStream, format: LogFormat, merger: inout ChunkMerger,
                                into result: inout IngestResult) throws {
        let jobs = options.jobs
        // Each worker has at most `perWorker` chunks dealt and not taken back, so neither of its
        // queues ever fills and no thread waits on another in a cycle.
        let perWorker = 2
        let inboxes = (0..<jobs).map { _ in BlockingQueue<LineChunk?>(capacity: perWorker + 1) }
        let outboxes = (0..<jobs).map { _ in BlockingQueue<ChunkResult>(capacity: perWorker + 1) }
        let spares = stream.spares
        let options = self.options
        for worker in 0..<jobs {
            let inbox = inboxes[worker], outbox = outboxes[worker]
            let started = startThread {
                // The regexes compiled already for the first parser, so this cannot throw here.
                guard var parser = try? ChunkParser(format: format, options: options) else { return }
                while var chunk = inbox.pop() {
                    let parsed = parser.parse(&chunk)
                    spares.recycle(&chunk)
                    if !outbox.push(parsed) { return }
                }
            }
            precondition(started, "could not start a parser thread")
        }
        var dealt = 0
        var fault: InputError?
        // This thread deals and merges by turns, a bounded distance apart.
        var taken = 0
        while true {
            let next: LineChunk?
            do {
                next = try stream.next()
            } catch {
                fault = error
                next = nil
            }
            guard let chunk = next else { break }
            _ = inboxes[dealt % jobs].push(chunk)
            dealt += 1
            if dealt - taken >= jobs * perWorker {
                merger.absorb(outboxes[taken % jobs].pop(), into: &result)
                taken += 1
            }
        }
        while taken < dealt {
            merger.absorb(outboxes[taken % jobs].pop(), into: &result)
            taken += 1
        }
        for inbox in inboxes { _ = inbox.push(nil) }
        if let fault { throw fault }
    }
}

/// What one chunk held: counts, period and samples, with line numbers relative to the chunk.
struct ChunkResult: Sendable {
    /// Physical lines, blank ones included, for numbering the next chunk's lines.
    var physicalLines = 0
    var lines = 0
    var parsed = 0
    var skipped = 0
    var classes = ClassCounts()
    var earliest: LogTimestamp?
    var latest: LogTimestamp?
    /// Up to five skipped lines: 1-based line number within the chunk, and text.
    var samples: [(line: Int, text: String)] = []
}

/// Parses and classifies the lines of chunks: the per-line loop, free of shared state, so it
/// can run on any thread.
struct ChunkParser {
    let parser: LineParser
    var classifier: Classifier
    let maxLineLength: Int
    var fields = ParsedLine()

    init(format: LogFormat, options: IngestOptions) throws {
        parser = LineParser(format: format)
        classifier = try Classifier(format: format, ignorePatterns: options.ignore, extraBotTokens: options.bots)
        maxLineLength = options.maxLineLength
    }

    /// Counts the chunk's lines. `inout` so its buffer is written in place, never copied.
    mutating func parse(_ chunk: inout LineChunk) -> ChunkResult {
        var result = ChunkResult()
        if let long = chunk.overlongBefore {
            result.physicalLines = 1
            result.lines = 1
            result.skipped = 1
            result.samples.append((1, Self.sampleText(long.prefix[...])))
        }
        let count = chunk.count
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
                    result.lines += 1
                    let line = UnsafeMutableRawBufferPointer(start: base + pos, count: length)
                    if length <= maxLineLength, parser.parse(line, into: &fields) {
                        result.parsed += 1
                        result.classes.add(classifier.classify(UnsafeRawBufferPointer(line), fields))
                        let time = fields.timestamp
                        if let earliest = result.earliest, let latest = result.latest {
                            if time.utcSeconds < earliest.utcSeconds { result.earliest = time }
                            if time.utcSeconds > latest.utcSeconds { result.latest = time }
                        } else {
                            result.earliest = time
                            result.latest = time
                        }
                    } else {
                        result.skipped += 1
                        if result.samples.count < IngestResult.maxSamples {
                            // A line that does not match is left as written (escapes are decoded only on a match).
                            result.samples.append((result.physicalLines, Self.sampleText(UnsafeRawBufferPointer(line)[...])))
                        }
                    }
                }
                pos = newline + 1
            }
        }
        return result
    }

    static func sampleText<C: Collection<UInt8>>(_ text: C) -> String {
        String(decoding: text.prefix(LineChunker.samplePrefixLength), as: UTF8.self)
    }
}

/// Folds chunk results into the input's totals, in chunk order, numbering lines as it goes.
struct ChunkMerger {
    let file: String
    var linesBefore = 0

    init(file: String) {
        self.file = file
    }

    mutating func absorb(_ chunk: ChunkResult, into result: inout IngestResult) {
        result.lines += chunk.lines
        result.parsed += chunk.parsed
        result.skipped += chunk.skipped
        result.classes.merge(chunk.classes)
        if let earliest = chunk.earliest, earliest.utcSeconds < (result.earliest?.utcSeconds ?? .max) {
            result.earliest = earliest
        }
        if let latest = chunk.latest, latest.utcSeconds > (result.latest?.utcSeconds ?? .min) {
            result.latest = latest
        }
        for sample in chunk.samples where result.skippedSamples.count < IngestResult.maxSamples {
            result.skippedSamples.append(SkippedLine(file: file, line: linesBefore + sample.line, text: sample.text))
        }
        linesBefore += chunk.physicalLines
    }
}
