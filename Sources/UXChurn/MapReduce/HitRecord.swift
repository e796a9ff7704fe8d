#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Analysis
import History
import Sessions

/// One line of `uxchurn map` output, as `reduce` reads it back: a visitor's hash, then the
/// compact hit, tab-separated.
///
///     KEY  TIME  OFFSET  RANK  LINE  KIND  STATUS  RESPONSE_US  MATCHES  DEVICE  REFERRER_HOST  GROUP  FAMILY  TARGET  METHOD
///
/// `KEY` is 32 hex digits (so a plain `sort` groups a visitor's lines); `TIME` UTC seconds;
/// `OFFSET` the written UTC offset in minutes; `RANK` and `LINE` the input's place in reading
/// order and the physical line (ties in time are broken by these); `KIND` `p` for
/// a page view, `a` for an action (upper-cased when its path is a probe's); `RESPONSE_US` -1 when untimed; `MATCHES` the configured
/// matchers the hit matches, in hex; `DEVICE` `d`, `m` or `t`; `REFERRER_HOST` empty when the
/// referrer is empty or `-`; `GROUP` the page group of a page view; `FAMILY` the path family
/// (only without a configuration of one's own, for the advice); `TARGET` the hash of the
/// request's path and query in hex (the frustration signals compare targets by it); `METHOD`
/// an action's method (empty for a page view). Text fields escape `\`, tab,
/// newline and carriage return with a backslash.
///
/// Lines whose key starts with `#` are side records: `#input` carries the map's line counts per
/// input, as JSON.
enum HitRecord {
    static let fieldCount = 15
    static let inputRecordKey = "#input"

    /// The hex key of a visitor's session key bytes: SipHash-2-4 under two fixed keys, 128 bits.
    static func visitorKey(_ bytes: [UInt8]) -> [UInt8] {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for hasher in hashers {
            let value = hasher.hash(bytes)
            for shift in stride(from: 60, through: 0, by: -4) { out.append(hex[Int((value >> UInt64(shift)) & 15)]) }
        }
        return out
    }

    private static let hashers = [
        SipHash24(key: Array("uxchurn-visitor1".utf8)),
        SipHash24(key: Array("uxchurn-visitor2".utf8)),
    ]

    static func deviceCode(_ device: Device) -> UInt8 {
        switch device {
        case .desktop: return UInt8(ascii: "d")
        case .mobile: return UInt8(ascii: "m")
        case .tablet: return UInt8(ascii: "t")
        }
    }

    static func device(_ code: UInt8) -> Device? {
        switch code {
        case UInt8(ascii: "d"): return .desktop
        case UInt8(ascii: "m"): return .mobile
        case UInt8(ascii: "t"): return .tablet
        default: return nil
        }
    }

    /// `\` → `\\`, tab → `\t`, newline → `\n`, carriage return → `\r`.
    static func escaped(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out += [92, 92]
            case 9: out += [92, UInt8(ascii: "t")]
            case 10: out += [92, UInt8(ascii: "n")]
            case 13: out += [92, UInt8(ascii: "r")]
            default: out.append(byte)
            }
        }
        return out
    }

    /// The bytes `escaped` gave, back.
    static func unescaped<Bytes: Collection<UInt8>>(_ text: Bytes) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var escaping = false
        for byte in text {
            if escaping {
                switch byte {
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                default: out.append(byte)
                }
                escaping = false
            } else if byte == 92 {
                escaping = true
            } else {
                out.append(byte)
            }
        }
        return out
    }
}

/// Buffered writes to a file descriptor (standard output).
final class ByteOutput {
    private let descriptor: Int32
    private let name: String
    var buffer: [UInt8] = []

    init(descriptor: Int32, name: String = "standard output") {
        self.descriptor = descriptor
        self.name = name
        buffer.reserveCapacity(1 << 20)
    }

    @inline(__always)
    func append(_ bytes: [UInt8]) { buffer.append(contentsOf: bytes) }

    @inline(__always)
    func append(_ byte: UInt8) { buffer.append(byte) }

    /// Decimal digits of `value`.
    func append(decimal value: Int64) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        var divisor: UInt64 = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        var rest = magnitude
        while divisor > 0 {
            buffer.append(UInt8(48 + rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    func append(hex value: UInt64) {
        let hex = Array("0123456789abcdef".utf8)
        var started = false
        for shift in stride(from: 60, through: 0, by: -4) {
            let digit = Int((value >> UInt64(shift)) & 15)
            if digit != 0 || started || shift == 0 {
                buffer.append(hex[digit])
                started = true
            }
        }
    }

    /// Writes out what is buffered once it holds a megabyte (or always, with `force`).
    ///
    /// - Throws: `RunError.input` when the write fails (a closed pipe, a full disk).
    func flush(force: Bool = false) throws(RunError) {
        guard force || buffer.count >= 1 << 20 else { return }
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .input("\(name): cannot write: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
