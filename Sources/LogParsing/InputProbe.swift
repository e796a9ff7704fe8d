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
    public static func probe(_ input: LogInputFile, forced: LogFormat?, timeZone: TimeZoneRule? = nil) throws(InputError) -> InputProbe {
        let reader = try LogReader(input)
        let chunker = LineChunker(reader: reader, chunkSize: probeChunkSize)
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
        let format = forced ?? FormatDetector.detect(lines, timeZone: timeZone ?? .utc)
        let parser = LineParser(format: format, timeZone: timeZone)
        var fields = ParsedLine()
        var first: LogTimestamp?
        var parsed = 0
        for var line in lines where line.withUnsafeMutableBytes({ parser.parse($0, into: &fields) }) {
            if first == nil { first = fields.timestamp }
            parsed += 1
        }
        var probe = InputProbe(input: input, format: format, firstTimestamp: first)
        if timeZone == nil {
            let assumed = LineParser(format: format, timeZone: .utc)
            let parsedInUTC = lines.reduce(0) { count, line in
                var copy = line
                return count + (copy.withUnsafeMutableBytes { assumed.parse($0, into: &fields) } ? 1 : 0)
            }
            probe.needsTimeZone = parsedInUTC - parsed > lines.count / 2
        }
        if input.readsOnce {
            probe.replay = chunks
            probe.continuation = chunker
            probe.replayFault = fault
        }
        return probe
    }

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
    public static func detect(_ lines: [[UInt8]], timeZone: TimeZoneRule? = nil) -> LogFormat {
        let scores = score(lines, timeZone: timeZone)
        let qualifying = scores.filter { lines.isEmpty || Double($0.parsed) >= 0.95 * Double(lines.count) }
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

    /// Lines each preset parses.
    public static func score(_ lines: [[UInt8]], timeZone: TimeZoneRule? = nil) -> [(format: LogFormat, parsed: Int, order: Int)] {
        LogFormat.presets.enumerated().map { order, format in
            let parser = LineParser(format: format, timeZone: timeZone)
            var fields = ParsedLine()
            var parsed = 0
            for line in lines {
                var copy = line  // parsing decodes escapes in place
                if copy.withUnsafeMutableBytes({ parser.parse($0, into: &fields) }) { parsed += 1 }
            }
            return (format, parsed, order)
        }
    }
}
