#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one input's bytes as the server wrote them: plain, or gzip (any number of members),
/// recognised by its magic bytes rather than its name.
///
/// Gzip members are inflated by an `Inflater` (ISA-L, or zlib where ISA-L is not built). A
/// fault in a gzip stream is reported only after every byte decoded before it has been
/// returned, so the lines before the fault still count.
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

    private var inflater: Inflater?
    private var memberEnded = false
    /// The last sixteen compressed bytes consumed, oldest first in the high byte of `older`: at
    /// the end of a member, its trailer (CRC-32 and length, little-endian) and what the
    /// inflater read past it, wherever the buffer was cut.
    private var recent: (older: UInt64, newer: UInt64) = (0, 0)
    private var pendingError: InputError?
    private var finished = false

    /// Whether the input is gzip-compressed.
    public private(set) var isGzip = false

    public static let inputBufferSize = 1 << 18
    /// Consumed bytes kept before `inStart` when the buffer is refilled: the inflater may hand
    /// back up to eight it read past a member's end.
    private static let history = 8

    /// Which library inflates gzip, for `uxchurn --version`.
    public static let inflateLibrary = Inflater.library

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
            guard let started = Inflater() else { throw .unreadable(path: input.name, reason: "\(Inflater.library) could not start") }
            inflater = started
        }
    }

    deinit {
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

    /// Reads more of the file into `inBuffer` until it holds `minimum` bytes or the file ends,
    /// keeping the last `history` bytes consumed before `inStart`.
    private func fillInput(minimum: Int = 1) throws(InputError) {
        if inStart > Self.history {
            let from = inStart - Self.history
            inBuffer.baseAddress!.copyMemory(from: inBuffer.baseAddress! + from, byteCount: inEnd - from)
            fileOffsetOfBuffer += from
            inStart -= from
            inEnd -= from
        }
        while inEnd - inStart < minimum, !fileEOF, inEnd < inBuffer.count {
            let n = try readFile(into: UnsafeMutableRawBufferPointer(rebasing: inBuffer[inEnd...]))
            inEnd += n
        }
    }

    // MARK: Gzip

    /// Keeps the last sixteen bytes of `inBuffer[start..<end]`, just consumed.
    private func noteConsumed(from start: Int, to end: Int) {
        for index in max(start, end - 16)..<end {
            recent = (recent.older << 8 | recent.newer >> 56, recent.newer << 8 | UInt64(inBuffer[index]))
        }
    }

    /// The consumed byte `back` places before the last (0: the last), for `back` < 16.
    private func recentByte(_ back: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: back < 8 ? recent.newer >> (8 * UInt64(back)) : recent.older >> (8 * UInt64(back - 8)))
    }

    /// Which of the trailer's checks failed, when the inflater does not say: the trailer is the
    /// eight bytes consumed before the `unread` ones read past it.
    private func trailerFault(countedLength: UInt32, unread: Int) -> InputError {
        guard unread <= 8 else { return .corruptGzip(file: input.name, offset: compressedOffset, reason: "incorrect data check") }
        // The length is the trailer's last four bytes, little-endian.
        let stored = (0..<4).reduce(UInt32(0)) { value, index in value | UInt32(recentByte(unread + 3 - index)) << (8 * UInt32(index)) }
        let reason = stored != countedLength ? "incorrect length check" : "incorrect data check"
        return .corruptGzip(file: input.name, offset: compressedOffset - unread, reason: reason)
    }

    private var compressedOffset: Int { fileOffsetOfBuffer + inStart }

    /// Bytes of the file (compressed, for gzip) read so far: the progress bar's measure.
    public var consumed: Int { isGzip ? compressedOffset : plainConsumed }
    private var plainConsumed = 0

    /// Inflates into `buffer`; a fault is left in `pendingError` after the bytes before it.
    private func inflate(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let inflater else { return 0 }
        var produced = 0
        do throws(InputError) {
            while produced < buffer.count {
                if memberEnded {
                    // Another member follows (concatenated rotations), or zero padding, or junk.
                    if inEnd - inStart < 2 { try fillInput(minimum: 2) }
                    if inEnd == inStart { break }
                    if inEnd - inStart >= 2, inBuffer[inStart] == 0x1f, inBuffer[inStart + 1] == 0x8b {
                        inflater.reset()
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
                let (taken, written, step) = inflater.inflate(
                    UnsafeRawBufferPointer(rebasing: inBuffer[inStart..<inEnd]),
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[produced...]))
                noteConsumed(from: inStart, to: inStart + taken)
                inStart += taken
                produced += written
                switch step {
                case .inflating:
                    continue
                case let .memberEnded(unread):
                    // The bytes read past the trailer are still in the buffer, just before inStart.
                    guard unread <= inStart else {
                        throw InputError.corruptGzip(file: input.name, offset: compressedOffset, reason: "inflate read too far past a member")
                    }
                    inStart -= unread
                    memberEnded = true
                case let .trailerMismatch(countedLength, unread):
                    throw trailerFault(countedLength: countedLength, unread: unread)
                case let .fault(reason):
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
