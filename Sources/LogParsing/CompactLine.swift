#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lays the kept fields of a structured line (JSON, W3C) out again, one after another, decoded,
/// and writes them over the start of the line: the later stages read fields as ranges of one
/// line's bytes, and a JSON string's escapes or a W3C target split into stem and query are no
/// such range until decoded or joined.
///
/// Values are written to a scratch buffer first, so a line that turns out not to parse is left
/// as written (for the skipped-line samples). Decoded values are never longer than as written,
/// and each kept value is written with quotes, a key or a separator the layout drops, so the
/// layout fits the line; `append` refuses what would not.
final class CompactLine {
    private var scratch: UnsafeMutableRawBufferPointer
    private(set) var count = 0
    private var limit = 0

    init() {
        scratch = .allocate(byteCount: 4096, alignment: 8)
    }

    deinit {
        scratch.deallocate()
    }

    /// Starts a layout for a line of `length` bytes.
    @inline(__always)
    func begin(length: Int) {
        if scratch.count < length {
            scratch.deallocate()
            scratch = .allocate(byteCount: max(length, scratch.count * 2), alignment: 8)
        }
        count = 0
        limit = length
    }

    /// Copies bytes as they are; nil when the layout would outgrow the line.
    @inline(__always)
    func append(_ p: UnsafeRawPointer, _ n: Int) -> FieldRange? {
        guard count + n <= limit, let base = scratch.baseAddress else { return nil }
        if n > 0 { (base + count).copyMemory(from: p, byteCount: n) }
        let range = FieldRange(start: Int32(count), end: Int32(count + n))
        count += n
        return range
    }

    /// One byte, as a separator joins a path and its query.
    @inline(__always)
    func append(byte: UInt8) -> Bool {
        guard count < limit, let base = scratch.baseAddress else { return false }
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
        return true
    }

    /// A JSON string's contents, decoded: `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`,
    /// `\uXXXX` (surrogate pairs joined; a lone one becomes U+FFFD), and the `\xHH` nginx
    /// writes without `escape=json`. Another escape is kept as written.
    func appendJSONString(_ p: UnsafeRawPointer, _ n: Int) -> FieldRange? {
        guard let first = memchr(p, Int32(ASCII.backslash), n) else { return append(p, n) }
        guard count + n <= limit, let base = scratch.baseAddress else { return nil }
        let start = count
        var read = p.distance(to: UnsafeRawPointer(first))
        if read > 0 { (base + count).copyMemory(from: p, byteCount: read) }
        count += read
        func put(_ byte: UInt8) {
            base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
            count += 1
        }
        while read < n {
            let byte = p.load(fromByteOffset: read, as: UInt8.self)
            guard byte == ASCII.backslash, read + 1 < n else {
                put(byte)
                read += 1
                continue
            }
            let next = p.load(fromByteOffset: read + 1, as: UInt8.self)
            switch next {
            case ASCII.quote, ASCII.backslash, ASCII.slash: put(next); read += 2
            case ASCII.lowerB: put(0x08); read += 2  // backspace
            case ASCII.lowerF: put(0x0C); read += 2  // form feed
            case ASCII.lowerN: put(ASCII.newline); read += 2
            case ASCII.lowerR: put(ASCII.carriageReturn); read += 2
            case ASCII.lowerT: put(ASCII.tab); read += 2
            case ASCII.lowerX:
                if read + 3 < n, let high = ASCII.hexValue(p.load(fromByteOffset: read + 2, as: UInt8.self)),
                   let low = ASCII.hexValue(p.load(fromByteOffset: read + 3, as: UInt8.self)) {
                    put(high << 4 | low)
                    read += 4
                } else {
                    put(byte)
                    read += 1
                }
            case ASCII.lowerU:
                guard var scalar = Self.hex4(p, read + 2, n) else {
                    put(byte)
                    read += 1
                    continue
                }
                read += 6
                if scalar >= 0xD800, scalar < 0xDC00 {
                    if read + 1 < n, p.load(fromByteOffset: read, as: UInt8.self) == ASCII.backslash,
                       p.load(fromByteOffset: read + 1, as: UInt8.self) == ASCII.lowerU,
                       let low = Self.hex4(p, read + 2, n), low >= 0xDC00, low < 0xE000 {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        read += 6
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00, scalar < 0xE000 {
                    scalar = 0xFFFD
                }
                // UTF-8: at most four bytes for the six or twelve written.
                if scalar < 0x80 {
                    put(UInt8(scalar))
                } else if scalar < 0x800 {
                    put(UInt8(0xC0 | scalar >> 6))
                    put(UInt8(0x80 | scalar & 0x3F))
                } else if scalar < 0x10000 {
                    put(UInt8(0xE0 | scalar >> 12))
                    put(UInt8(0x80 | scalar >> 6 & 0x3F))
                    put(UInt8(0x80 | scalar & 0x3F))
                } else {
                    put(UInt8(0xF0 | scalar >> 18))
                    put(UInt8(0x80 | scalar >> 12 & 0x3F))
                    put(UInt8(0x80 | scalar >> 6 & 0x3F))
                    put(UInt8(0x80 | scalar & 0x3F))
                }
            default:
                put(byte)
                read += 1
            }
        }
        return FieldRange(start: Int32(start), end: Int32(count))
    }

    /// W3C's `cs(User-Agent)`: `+` stands for a space.
    func appendPlusAsSpace(_ p: UnsafeRawPointer, _ n: Int) -> FieldRange? {
        guard let range = append(p, n), let base = scratch.baseAddress else { return nil }
        for i in Int(range.start)..<Int(range.end) where base.load(fromByteOffset: i, as: UInt8.self) == ASCII.plus {
            base.storeBytes(of: ASCII.space, toByteOffset: i, as: UInt8.self)
        }
        return range
    }

    /// Percent-decoded once (`%20` → a space); a `%` without two hex digits is kept.
    func appendPercentDecoded(_ p: UnsafeRawPointer, _ n: Int) -> FieldRange? {
        guard count + n <= limit, let base = scratch.baseAddress else { return nil }
        let start = count
        var read = 0
        while read < n {
            let byte = p.load(fromByteOffset: read, as: UInt8.self)
            if byte == ASCII.percent, read + 2 < n, let high = ASCII.hexValue(p.load(fromByteOffset: read + 1, as: UInt8.self)),
               let low = ASCII.hexValue(p.load(fromByteOffset: read + 2, as: UInt8.self)) {
                base.storeBytes(of: high << 4 | low, toByteOffset: count, as: UInt8.self)
                read += 3
            } else {
                base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
                read += 1
            }
            count += 1
        }
        return FieldRange(start: Int32(start), end: Int32(count))
    }

    /// Whether the laid-out `range` holds `byte`.
    func contains(_ byte: UInt8, in range: FieldRange) -> Bool {
        guard range.count > 0, let base = scratch.baseAddress else { return false }
        return memchr(base + Int(range.start), Int32(byte), range.count) != nil
    }

    /// The laid-out bytes of `range`.
    func withBytes<T>(_ range: FieldRange, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        body(UnsafeRawBufferPointer(start: scratch.baseAddress.map { $0 + Int(range.start) }, count: range.count))
    }

    /// Writes the layout over the start of `line`.
    @inline(__always)
    func write(over line: UnsafeMutableRawPointer) {
        if count > 0, let base = scratch.baseAddress { line.copyMemory(from: base, byteCount: count) }
    }

    private static func hex4(_ p: UnsafeRawPointer, _ at: Int, _ n: Int) -> UInt32? {
        guard at + 4 <= n else { return nil }
        var value: UInt32 = 0
        for i in 0..<4 {
            guard let digit = ASCII.hexValue(p.load(fromByteOffset: at + i, as: UInt8.self)) else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
