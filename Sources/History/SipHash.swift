/// SipHash-2-4: a keyed 64-bit hash (Aumasson and Bernstein). Visitors are stored as this hash
/// of their session key under the state file's own random key, so the state holds no address or
/// user agent, and the hashes mean nothing without that file.
public struct SipHash24: Sendable {
    private let k0: UInt64
    private let k1: UInt64

    /// - Parameter key: 16 bytes.
    public init(key: [UInt8]) {
        precondition(key.count == 16, "SipHash needs a 16-byte key")
        func word(_ offset: Int) -> UInt64 {
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(key[offset + $1]) << (8 * UInt64($1)) }
        }
        k0 = word(0)
        k1 = word(8)
    }

    public func hash<Bytes: Collection>(_ message: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var v0: UInt64 = 0x736f_6d65_7073_6575 ^ k0
        var v1: UInt64 = 0x646f_7261_6e64_6f6d ^ k1
        var v2: UInt64 = 0x6c79_6765_6e65_7261 ^ k0
        var v3: UInt64 = 0x7465_6462_7974_6573 ^ k1
        @inline(__always) func rotl(_ x: UInt64, _ b: UInt64) -> UInt64 { (x << b) | (x >> (64 - b)) }
        @inline(__always) func round() {
            v0 &+= v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
            v2 &+= v3; v3 = rotl(v3, 16); v3 ^= v2
            v0 &+= v3; v3 = rotl(v3, 21); v3 ^= v0
            v2 &+= v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
        }
        var word: UInt64 = 0
        var filled: UInt64 = 0
        var length: UInt64 = 0
        for byte in message {
            word |= UInt64(byte) << (8 * filled)
            filled += 1
            length += 1
            if filled == 8 {
                v3 ^= word
                round(); round()
                v0 ^= word
                word = 0
                filled = 0
            }
        }
        let last = word | (length & 0xFF) << 56
        v3 ^= last
        round(); round()
        v0 ^= last
        v2 ^= 0xFF
        round(); round(); round(); round()
        return v0 ^ v1 ^ v2 ^ v3
    }
}
