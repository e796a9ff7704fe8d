import LogInput


/// What a first look at an input tells: its format (`auto` picks per input) and the instant of
/// its first parsed line, which orders the inputs.
public struct InputProbe {
    public var input: LogInputFile
    public var format: LogFormat
    public var firstTimestamp: LogTimestamp?
    /// Most sampled lines parse only when their timestamps, written without a UTC offset, are
    /// given a time zone, and none was.
    public var needsTimeZone = false
    /// For standard input and pipes, which can be read only once: what the probe read, and the rest.
    var replay: [LineChunk] = []
    var continuation: LineChunker?
    /// A fault the probe met in standard input, raised after `replay`.
    var replayFault: InputError?

    /// Lines `auto` looks at.
    public static let sampleLines = 1000
    /// The probe reads this much decoded text at most.
    static let probeChunkSize = LineChunker.defaultMaxLineLength + (1 << 16)

    /// Reads the start of `input`, picks its format (unless `forced`) and finds its first timestamp.
    ///
    /// - Parameter timeZone: the zone of timestamps written without an offset, if given.
    ///   - json: the keys the `json` preset reads.
    public static func probe(_ input: LogInputFile, forced: LogFormat?, timeZone: TimeZoneRule? = nil,
                             json: JSONFieldMap = .nginx) throws(InputError) -> InputProbe {
        let reader = try LogReader(input)
        let chunker = LineChunker(reader: reader, chunkSize: probeChunkSize)
        // Standard input is read on from this chunker: it must know the columns in force.
        chunker.directivePrefix = fieldsDirective
        var chunks: [LineChunk] = []
        var lines: [[UInt8]] = []
        var fault: InputError?
        do throws(InputError) {
            while lines.count < sampleLines, let chunk = try chunker.next() {
                chunks.append(chunk)
                lines.append(contentsOf: nonBlankLines(of: chunk, limit: sampleLines - lines.count))
            }
        } catch {
            fault = error
        }
        // Formats are told apart with UTC standing in for a zone not given, so that an input
        // without offsets is named for what it lacks rather than for a format it is not.
        let format = forced ?? FormatDetector.detect(lines, timeZone: timeZone ?? .utc, presets: LogFormat.presets(json: json))
        if !format.readsDirectives { chunker.directivePrefix = nil }
        var first: LogTimestamp?
        let (parsed, considered) = FormatDetector.parse(lines, LineParser(format: format, timeZone: timeZone)) { stamp in
            if first == nil { first = stamp }
        }
        var probe = InputProbe(input: input, format: format, firstTimestamp: first)
        if timeZone == nil {
            let parsedInUTC = FormatDetector.parse(lines, LineParser(format: format, timeZone: .utc)).parsed
            probe.needsTimeZone = parsedInUTC - parsed > considered / 2
        }
        if input.readsOnce {
            probe.replay = chunks
            probe.continuation = chunker
            probe.replayFault = fault
        }
        return probe
    }

    /// The directive that names the columns of W3C extended logs.
    public static let fieldsDirective = Array("#Fields:".utf8)

    /// Up to `limit` non-blank lines of a chunk, without `\n` and trailing `\r`.
    static func nonBlankLines(of chunk: LineChunk, limit: Int) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        if chunk.overlongBefore != nil { lines.append([]) }  // counts as a line no format parses
        var start = 0
        let bytes = chunk.bytes
        while start < chunk.count, lines.count < limit {
            var end = start
            while end < chunk.count, bytes[end] != 0x0A { end += 1 }
            var stop = end
            if stop > start, bytes[stop - 1] == 0x0D { stop -= 1 }
            if stop > start { lines.append(Array(bytes[start..<stop])) }
            start = end + 1
        }
        return lines
    }

    /// Orders probes as the inputs are read: by first timestamp; ties by higher rotation
    /// number, then name; inputs without a parsed line last.
    public static func readingOrder(_ probes: [InputProbe]) -> [InputProbe] {
        probes.sorted { a, b in
            switch (a.firstTimestamp, b.firstTimestamp) {
            case (nil, nil): return a.input.name < b.input.name
            case (nil, _): return false
            case (_, nil): return true
            case let (x?, y?):
                if x.utcSeconds != y.utcSeconds { return x.utcSeconds < y.utcSeconds }
                if a.input.rotationNumber != b.input.rotationNumber { return a.input.rotationNumber > b.input.rotationNumber }
                return a.input.name < b.input.name
            }
        }
    }
}

/// `auto`: among the presets that parse at least 95% of the sample, the one with
/// the most fields (ties: most lines parsed, then preset order); if none does, the one that
/// parses most (ties: most fields, then preset order).
public enum FormatDetector {
    public static func detect(_ lines: [[UInt8]], timeZone: TimeZoneRule? = nil, presets: [LogFormat] = LogFormat.presets) -> LogFormat {
        let scores = score(lines, timeZone: timeZone, presets: presets)
        let qualifying = scores.filter { $0.considered == 0 || Double($0.parsed) >= 0.95 * Double($0.considered) }
        if let best = qualifying.max(by: { a, b in
            if a.format.fieldCount != b.format.fieldCount { return a.format.fieldCount < b.format.fieldCount }
            if a.parsed != b.parsed { return a.parsed < b.parsed }
            return a.order > b.order
        }) {
            return best.format
        }
        // None reaches 95%: the one that parses most; ties as above (most fields, then order).
        return scores.max { a, b in
            if a.parsed != b.parsed { return a.parsed < b.parsed }
            if a.format.fieldCount != b.format.fieldCount { return a.format.fieldCount < b.format.fieldCount }
            return a.order > b.order
        }?.format ?? LogFormat.combined
    }

    /// Lines each preset parses, of the lines it reads (a format with directives does not
    /// count its `#` lines).
    public static func score(_ lines: [[UInt8]], timeZone: TimeZoneRule? = nil, presets: [LogFormat] = LogFormat.presets)
        -> [(format: LogFormat, parsed: Int, considered: Int, order: Int)] {
        presets.enumerated().map { order, format in
            let (parsed, considered) = parse(lines, LineParser(format: format, timeZone: timeZone))
            return (format, parsed, considered, order)
        }
    }

    /// Parses `lines` in order, directives included; each parsed line's instant goes to `parsedTime`.
    static func parse(_ lines: [[UInt8]], _ parser: LineParser, parsedTime: (LogTimestamp) -> Void = { _ in })
        -> (parsed: Int, considered: Int) {
        var fields = ParsedLine()
        var parsed = 0
        var considered = 0
        for line in lines {
            if parser.readsDirectives, line.first == ASCII.hash {
                line.withUnsafeBytes { parser.directive($0) }
                continue
            }
            considered += 1
            var copy = line  // parsing decodes escapes in place
            if copy.withUnsafeMutableBytes({ parser.parse($0, into: &fields) }) {
                parsed += 1
                parsedTime(fields.timestamp)
            }
        }
        return (parsed, considered)
    }
}
