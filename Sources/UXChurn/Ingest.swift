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
/// Decompression and reading run on a thread per input, a few chunks ahead of parsing.
public struct Ingest {
    public var options: IngestOptions

    public init(options: IngestOptions) {
        self.options = options
    }

    /// Probes and orders the inputs, then reads them all.
    ///
    /// - Throws: `InputError` when an input cannot be opened or read; a gzip fault is not
    ///   thrown but kept in `faults`, after the lines before it.
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
        let parser = LineParser(format: probe.format)
        let classifier = try Classifier(format: probe.format, ignorePatterns: options.ignore, extraBotTokens: options.bots)
        var state = LineState(file: name, parser: parser, classifier: classifier, maxLineLength: options.maxLineLength)
        let linesBefore = result.lines
        do {
            if let chunker = probe.continuation {
                // Standard input: what the probe read, then the rest, on this thread.
                for var chunk in probe.replay { state.process(&chunk, into: &result) }
                if let fault = probe.replayFault { throw fault }
                while var chunk = try chunker.next() { state.process(&chunk, into: &result) }
            } else {
                let reader = try LogReader(probe.input)
                let stream = ChunkStream(chunker: LineChunker(
                    reader: reader, chunkSize: options.chunkSize, maxLineLength: options.maxLineLength))
                while var chunk = try stream.next() {
                    state.process(&chunk, into: &result)
                    stream.recycle(&chunk)
                }
            }
        } catch let error as InputError where error.keepsEarlierLines {
            result.faults.append(error)
        }
        result.linesByFormat[probe.format.name, default: 0] += result.lines - linesBefore
    }
}

/// Per-input line loop state.
private struct LineState {
    let file: String
    let parser: LineParser
    var classifier: Classifier
    let maxLineLength: Int
    var lineNumber = 0
    var fields = ParsedLine()

    init(file: String, parser: LineParser, classifier: Classifier, maxLineLength: Int) {
        self.file = file
        self.parser = parser
        self.classifier = classifier
        self.maxLineLength = maxLineLength
    }

    /// Counts the chunk's lines. `inout` so its buffer is written in place, never copied.
    mutating func process(_ chunk: inout LineChunk, into result: inout IngestResult) {
        if let long = chunk.overlongBefore {
            lineNumber += 1
            result.lines += 1
            result.skipped += 1
            sample(long.prefix[...], into: &result)
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
                lineNumber += 1
                var end = newline
                if end > pos, base.load(fromByteOffset: end - 1, as: UInt8.self) == 0x0D { end -= 1 }
                let length = end - pos
                if length > 0 {
                    result.lines += 1
                    let line = UnsafeMutableRawBufferPointer(start: base + pos, count: length)
                    if length <= maxLineLength, parser.parse(line, into: &fields) {
                        result.parsed += 1
                        let hitClass = classifier.classify(UnsafeRawBufferPointer(line), fields)
                        result.classes.add(hitClass)
                        let time = fields.timestamp
                        if let earliest = result.earliest {
                            if time.utcSeconds < earliest.utcSeconds { result.earliest = time }
                            if let latest = result.latest, time.utcSeconds > latest.utcSeconds { result.latest = time }
                        } else {
                            result.earliest = time
                            result.latest = time
                        }
                    } else {
                        result.skipped += 1
                        // A line that does not match is left as written (escapes are decoded only on a match).
                        sample(UnsafeRawBufferPointer(line)[...], into: &result)
                    }
                }
                pos = newline + 1
            }
        }
    }

    private func sample<C: Collection<UInt8>>(_ text: C, into result: inout IngestResult) {
        guard result.skippedSamples.count < IngestResult.maxSamples else { return }
        result.skippedSamples.append(SkippedLine(
            file: file, line: lineNumber, text: String(decoding: text.prefix(LineChunker.samplePrefixLength), as: UTF8.self)))
    }
}
