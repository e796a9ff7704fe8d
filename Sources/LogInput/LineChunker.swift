#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A line longer than the limit: skipped, kept only as a short prefix for samples.
public struct OverlongLine: Sendable, Equatable {
    /// The first bytes of the line, for the skipped-line sample.
    public var prefix: [UInt8]
    /// The line's full length in bytes, without its `\n`.
    public var length: Int
}

/// A run of whole lines read from one input.
///
/// `bytes[0..<count]` ends with `\n`, except in an input's last chunk when its last line has
/// none. `overlongBefore` is a line, longer than the limit, that stood just before these bytes
/// and was not kept whole.
public struct LineChunk: Sendable {
    public var bytes: [UInt8]
    public var count: Int
    public var overlongBefore: OverlongLine?
    /// Bytes of the input file read when the chunk was cut (compressed bytes for gzip).
    public var consumed = 0
    /// The last directive line (`LineChunker.directivePrefix`) before these bytes, when the
    /// chunker looks for them: the columns in force where the chunk starts.
    public var directiveBefore: [UInt8]?

    public init(bytes: [UInt8], count: Int, overlongBefore: OverlongLine?) {
        self.bytes = bytes
        self.count = count
        self.overlongBefore = overlongBefore
    }
}

/// Cuts an input into line-aligned chunks of reused buffers, without holding any line longer
/// than `maxLineLength` whole.
///
/// - Complexity: per chunk, a backward scan from its end to its last `\n` (usually within one
///   line), and one copy of the incomplete line after it into the next buffer.
public final class LineChunker {
    /// The longest line kept: 1 MiB.
    public static let defaultMaxLineLength = 1 << 20
    /// 2 MiB: fewer bytes in flight between the reader, the parser workers and the hit stage
    /// than 4 MiB (peak RSS of two inputs 136 → 101 MiB, a third fewer page faults), which
    /// two cores felt more than the per-chunk work that doubled.
    public static let defaultChunkSize = 2 << 20
    public static let samplePrefixLength = 512

    private let reader: LogReader
    private let chunkSize: Int
    private let maxLineLength: Int

    /// `buffer[0..<filled]` is the start of a line not yet emitted: it holds no complete line
    /// and is never longer than `maxLineLength`.
    private var buffer: [UInt8]
    private var filled = 0
    /// The overlong line being discarded, when the reader is inside one.
    private var skipping: OverlongLine?
    private var ended = false
    private var deferredError: InputError?
    private var spare: [[UInt8]] = []
    /// Lines starting with this (`#Fields:`) are directives that set the columns of the lines
    /// after them: each chunk is handed the last one before it (`LineChunk.directiveBefore`),
    /// so chunks parsed on different threads read the same columns.
    public var directivePrefix: [UInt8]?
    private var lastDirective: [UInt8]?

    /// - Parameters:
    ///   - chunkSize: bytes per buffer; must exceed `maxLineLength`.
    ///   - maxLineLength: longer lines are skipped, reported as `OverlongLine`.
    public init(reader: LogReader, chunkSize: Int = LineChunker.defaultChunkSize,
                maxLineLength: Int = LineChunker.defaultMaxLineLength) {
        precondition(chunkSize > maxLineLength, "a chunk must hold the longest kept line")
        self.reader = reader
        self.chunkSize = chunkSize
        self.maxLineLength = maxLineLength
        self.buffer = Self.buffer(chunkSize)
    }

    /// A chunk buffer, not zeroed: only bytes read into it are ever looked at (a chunk's
    /// `count`), and zeroing 2–4 MiB for every new buffer cost more than parsing a small log.
    static func buffer(_ size: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: size) { _, count in count = size }
    }

    /// Hands a buffer back for reuse once its lines are processed.
    public func recycle(_ chunk: LineChunk) {
        if spare.count < 2, chunk.bytes.count == chunkSize { spare.append(chunk.bytes) }
    }

    /// The next chunk, or nil at the end of the input.
    ///
    /// An overlong line comes as a chunk of its own (`count` 0, `overlongBefore` set), in its
    /// place among the lines.
    ///
    /// - Throws: the input's fault (truncated or corrupt gzip, read error) after every line
    ///   before it has been returned.
    public func next() throws(InputError) -> LineChunk? {
        while true {
            if ended {
                if let error = deferredError {
                    deferredError = nil
                    throw error
                }
                return nil
            }
            let n = readMore()
            if n == 0 {
                ended = true
                if let long = skipping {
                    skipping = nil
                    var chunk = LineChunk(bytes: [], count: 0, overlongBefore: long)
                    chunk.consumed = reader.consumed
                    return chunk
                }
                if filled > 0 { return emit(count: filled) }
                continue
            }
            if skipping != nil {
                guard let newline = firstNewline(in: 0..<n) else {
                    skipping?.length += n
                    continue
                }
                skipping?.length += newline
                let long = skipping
                skipping = nil
                let tail = n - newline - 1
                if tail > 0 {
                    buffer.withUnsafeMutableBytes { raw in
                        // tail > 0, so the buffer is not empty
                        raw.baseAddress!.copyMemory(from: raw.baseAddress! + newline + 1, byteCount: tail)
                    }
                }
                filled = tail
                var chunk = LineChunk(bytes: [], count: 0, overlongBefore: long)
                chunk.consumed = reader.consumed
                return chunk
            }
            filled += n
            if let lastNewline = lastNewline(in: 0..<filled) {
                return emit(count: lastNewline + 1)
            }
            if filled > maxLineLength {
                skipping = overlong(length: filled)
                filled = 0
            }
        }
    }

    /// Reads into the free part of the buffer (or its start, while skipping); 0 at the end.
    private func readMore() -> Int {
        let from = skipping == nil ? filled : 0
        let result = buffer.withUnsafeMutableBytes { raw in
            Result { () throws(InputError) in
                try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[from...]))
            }
        }
        switch result {
        case let .success(count):
            return count
        case let .failure(error):
            deferredError = error
            return 0
        }
    }

    private func overlong(length: Int) -> OverlongLine {
        OverlongLine(prefix: Array(buffer[0..<min(length, Self.samplePrefixLength)]), length: length)
    }

    /// Emits `buffer[0..<count]`, moving the incomplete line after it into a fresh buffer.
    private func emit(count: Int) -> LineChunk {
        var next = spare.popLast() ?? Self.buffer(chunkSize)
        let tail = filled - count
        if tail > maxLineLength {
            // The incomplete line after the last newline is already too long to keep.
            skipping = OverlongLine(
                prefix: Array(buffer[count..<(count + min(tail, Self.samplePrefixLength))]), length: tail)
            filled = 0
        } else {
            if tail > 0 {
                buffer.withUnsafeBytes { src in
                    next.withUnsafeMutableBytes { dst in
                        // tail > 0, so neither buffer is empty
                        dst.baseAddress!.copyMemory(from: src.baseAddress! + count, byteCount: tail)
                    }
                }
            }
            filled = tail
        }
        var chunk = LineChunk(bytes: buffer, count: count, overlongBefore: nil)
        chunk.consumed = reader.consumed
        if let directivePrefix {
            chunk.directiveBefore = lastDirective
            if let last = Self.lastLine(startingWith: directivePrefix, in: buffer, count: count) { lastDirective = last }
        }
        buffer = next
        return chunk
    }

    /// The last line of `bytes[0..<count]` that starts with `prefix`, without its line end.
    static func lastLine(startingWith prefix: [UInt8], in bytes: [UInt8], count: Int) -> [UInt8]? {
        guard let first = prefix.first else { return nil }
        var found: [UInt8]?
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var at = 0
            while at < count, let hit = memchr(base + at, Int32(first), count - at) {
                let start = base.distance(to: hit)
                at = start + 1
                guard start == 0 || raw[start - 1] == 0x0A, start + prefix.count <= count,
                      zip(raw[start..<(start + prefix.count)], prefix).allSatisfy({ $0 | 0x20 == $1 | 0x20 }) else { continue }
                var end = start
                while end < count, raw[end] != 0x0A { end += 1 }
                let stop = end > start && raw[end - 1] == 0x0D ? end - 1 : end
                found = Array(raw[start..<stop])
                at = end
            }
        }
        return found
    }

    private func firstNewline(in range: Range<Int>) -> Int? {
        buffer.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, !range.isEmpty,
                  let hit = memchr(base + range.lowerBound, 0x0A, range.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
    }

    /// The last `\n` in `range`: a backward scan, which usually stops within the last line.
    private func lastNewline(in range: Range<Int>) -> Int? {
        buffer.withUnsafeBytes { raw in
            var index = range.upperBound
            while index > range.lowerBound {
                index -= 1
                if raw[index] == 0x0A { return index }
            }
            return nil
        }
    }
}
