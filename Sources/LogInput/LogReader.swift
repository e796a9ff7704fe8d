import CLibdeflate
import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one input's bytes as the server wrote them: plain, or gzip (any number of members),
/// recognised by its magic bytes rather than its name.
///
/// The zlib stream lives at a fixed heap address for the reader's lifetime and is freed in
/// `deinit`. A fault in a gzip stream is reported only after every byte decoded before it has
/// been returned, so the lines before the fault still count.
public final class LogReader {
    public let input: LogInputFile
    private let fd: Int32
    private let ownsDescriptor: Bool

    /// Compressed (or, for plain files, not yet returned) bytes read ahead from the file.
    private let inBuffer: UnsafeMutableRawBufferPointer
    private var inStart = 0
    private var inEnd = 0
    private var fileEOF = false
    /// Bytes of the file consumed before `inBuffer[0]`.
    private var fileOffsetOfBuffer = 0

    private var stream: UnsafeMutablePointer<z_stream>?
    private var memberEnded = false
    /// The current member's CRC-32 and length so far, checked against its trailer here rather
    /// than by zlib: libdeflate's CRC-32 is about three times as fast as zlib's.
    private var memberCRC: UInt32 = 0
    private var memberLength = 0
    /// The last eight compressed bytes consumed, oldest first in the high byte: at the end of
    /// a member, its trailer (CRC-32 and length, little-endian), wherever the buffer was cut.
    private var lastConsumed: UInt64 = 0
    private var pendingError: InputError?
    private var finished = false

    /// Whether the input is gzip-compressed.
    public private(set) var isGzip = false

    public static let inputBufferSize = 1 << 18

    /// Opens the input and sniffs its first bytes.
    ///
    /// - Throws: `InputError.notFound` or `.unreadable`.
    public init(_ input: LogInputFile) throws(InputError) {
        self.input = input
        switch input.location {
        case .standardInput:
            fd = STDIN_FILENO
            ownsDescriptor = false
        case let .path(path), let .stream(path):
            let opened = open(path, O_RDONLY)
            guard opened >= 0 else {
                if errno == ENOENT { throw .notFound(path: path) }
                throw .unreadable(path: input.name, reason: String(cString: strerror(errno)))
            }
            fd = opened
            ownsDescriptor = true
        }
        inBuffer = .allocate(byteCount: Self.inputBufferSize, alignment: 16)
        // Every stored property is set from here on: a throw runs `deinit`, which frees them.
        try fillInput(minimum: 2)
        if inEnd - inStart >= 2, inBuffer[inStart] == 0x1f, inBuffer[inStart + 1] == 0x8b {
            isGzip = true
            guard startInflater() else { throw .unreadable(path: input.name, reason: "zlib could not start") }
        }
    }

    deinit {
        if let stream {
            inflateEnd(stream)
            stream.deallocate()
        }
        inBuffer.deallocate()
        if ownsDescriptor { close(fd) }
    }

    /// Fills `buffer` with the next decoded bytes.
    ///
    /// - Returns: the number of bytes written; 0 only at the end of the input.
    /// - Throws: a gzip fault, once every byte before it has been returned; a read error.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if finished { return 0 }
        if let error = pendingError {
            finished = true
            throw error
        }
        let produced = isGzip ? inflate(into: buffer) : readPlain(into: buffer)
        if produced > 0 { return produced }
        finished = true
        if let error = pendingError { throw error }
        return 0
    }

    // MARK: Plain

    private func readPlain(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        if inEnd > inStart {
            let count = min(inEnd - inStart, buffer.count)
            buffer.baseAddress!.copyMemory(from: inBuffer.baseAddress! + inStart, byteCount: count)  // both non-empty
            inStart += count
            plainConsumed += count
            return count
        }
        do {
            let count = try readFile(into: buffer)
            plainConsumed += count
            return count
        } catch {
            pendingError = error
            return 0
        }
    }

    private func readFile(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard !fileEOF, buffer.count > 0 else { return 0 }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n > 0 { return n }
            if n == 0 { fileEOF = true; return 0 }
            if errno == EINTR { continue }
            throw .unreadable(path: input.name, reason: String(cString: strerror(errno)))
        }
    }

    /// Reads more of the file into `inBuffer` until it holds `minimum` bytes or the file ends.
    private func fillInput(minimum: Int = 1) throws(InputError) {
        if inStart > 0 {
            let pending = inEnd - inStart
            if pending > 0 {
                inBuffer.baseAddress!.copyMemory(from: inBuffer.baseAddress! + inStart, byteCount: pending)
            }
            fileOffsetOfBuffer += inStart
            inStart = 0
            inEnd = pending
        }
        while inEnd - inStart < minimum, !fileEOF, inEnd < inBuffer.count {
            let n = try readFile(into: UnsafeMutableRawBufferPointer(rebasing: inBuffer[inEnd...]))
            inEnd += n
        }
    }

    // MARK: Gzip

    private func startInflater() -> Bool {
        let s = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        s.initialize(to: z_stream())
        // 15 window bits + 16: a gzip wrapper, not zlib or raw deflate.
        guard uxc_inflateInit2(s, 15 + 16) == Z_OK else {
            s.deallocate()
            return false
        }
        // zlib still reads the trailer but leaves checking it to `endMember`.
        inflateValidate(s, 0)
        stream = s
        return true
    }

    /// Keeps the last eight bytes of `inBuffer[start..<end]`, just consumed.
    private func noteConsumed(from start: Int, to end: Int) {
        for index in max(start, end - 8)..<end {
            lastConsumed = lastConsumed << 8 | UInt64(inBuffer[index])
        }
    }

    /// Compares the member just ended with its trailer (the eight bytes last consumed).
    private func endMember() throws(InputError) {
        // The trailer's bytes, first to last, are lastConsumed's bytes from high to low.
        let trailer = lastConsumed.byteSwapped
        let storedCRC = UInt32(truncatingIfNeeded: trailer)
        let storedLength = UInt32(truncatingIfNeeded: trailer >> 32)
        defer {
            memberCRC = 0
            memberLength = 0
        }
        guard storedCRC == memberCRC else {
            throw .corruptGzip(file: input.name, offset: compressedOffset, reason: "incorrect data check")
        }
        guard storedLength == UInt32(truncatingIfNeeded: memberLength) else {
            throw .corruptGzip(file: input.name, offset: compressedOffset, reason: "incorrect length check")
        }
    }

    private var compressedOffset: Int { fileOffsetOfBuffer + inStart }

    /// Bytes of the file (compressed, for gzip) read so far: the progress bar's measure.
    public var consumed: Int { isGzip ? compressedOffset : plainConsumed }
    private var plainConsumed = 0

    /// Inflates into `buffer`; a fault is left in `pendingError` after the bytes before it.
    private func inflate(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let stream else { return 0 }
        var produced = 0
        do throws(InputError) {
            while produced < buffer.count {
                if memberEnded {
                    // Another member follows (concatenated rotations), or zero padding, or junk.
                    if inEnd - inStart < 2 { try fillInput(minimum: 2) }
                    if inEnd == inStart { break }
                    if inEnd - inStart >= 2, inBuffer[inStart] == 0x1f, inBuffer[inStart + 1] == 0x8b {
                        inflateReset(stream)
                        memberEnded = false
                    } else if try skipZeroPadding() {
                        break
                    } else {
                        throw InputError.corruptGzip(
                            file: input.name, offset: compressedOffset,
                            reason: "no gzip member follows the end of the previous one")
                    }
                }
                if inEnd == inStart {
                    try fillInput()
                    if inEnd == inStart { throw InputError.truncatedGzip(file: input.name, offset: compressedOffset) }
                }
                let available = inEnd - inStart
                let room = buffer.count - produced
                // Both buffers are non-empty here, so their base addresses exist.
                stream.pointee.next_in = inBuffer.baseAddress!.advanced(by: inStart).assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_in = uInt(available)
                stream.pointee.next_out = buffer.baseAddress!.advanced(by: produced).assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(room)
                let status = CZlib.inflate(stream, Z_NO_FLUSH)
                let consumed = available - Int(stream.pointee.avail_in)
                noteConsumed(from: inStart, to: inStart + consumed)
                inStart += consumed
                let output = room - Int(stream.pointee.avail_out)
                memberCRC = libdeflate_crc32(memberCRC, buffer.baseAddress! + produced, output)
                memberLength &+= output
                produced += output
                switch status {
                case Z_OK, Z_BUF_ERROR:
                    continue
                case Z_STREAM_END:
                    memberEnded = true
                    try endMember()
                default:
                    let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    throw InputError.corruptGzip(file: input.name, offset: compressedOffset, reason: reason)
                }
            }
        } catch {
            pendingError = error
        }
        return produced
    }

    /// Consumes trailing NUL bytes (some copy tools pad); returns true when only NULs remained.
    private func skipZeroPadding() throws(InputError) -> Bool {
        while true {
            while inStart < inEnd, inBuffer[inStart] == 0 { inStart += 1 }
            if inStart < inEnd { return false }
            try fillInput()
            if inStart == inEnd { return true }
        }
    }
}
