#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gives each distinct byte string a dense id (0, 1, 2, …), so that per-value work (regexes,
/// bot tokens, page groups) runs once per distinct value rather than once per line.
///
/// Open addressing with linear probing over a power-of-two table; the bytes live in one arena.
/// A slot holds the id and the top half of the value's hash, so a probe that meets another
/// value is told apart without reading its hash or bytes (each a cache miss in a big table).
/// - Complexity: `intern` is O(length) expected; memory is O(total distinct bytes).
public struct ByteInterner: Sendable {
    private var arena: [UInt8] = []
    private var offsets: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Slot → the hash's top 32 bits above id + 1; 0 is empty.
    private var table: [UInt64]
    private var mask: Int

    public init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        table = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// The number of distinct values.
    public var count: Int { offsets.count - 1 }

    /// The id of these bytes, adding them when new; `isNew` tells which.
    @inline(__always)
    public mutating func intern(_ bytes: UnsafeRawBufferPointer) -> (id: Int32, isNew: Bool) {
        let hash = Self.hash(bytes)
        var slot = Int(truncatingIfNeeded: hash) & mask
        let tag = hash & 0xFFFF_FFFF_0000_0000
        while true {
            let entry = table[slot]
            if entry == 0 { break }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let id = Int(entry & 0xFFFF_FFFF) - 1
                if equals(id, bytes) { return (Int32(id), false) }
            }
            slot = (slot + 1) & mask
        }
        let id = count
        arena.append(contentsOf: bytes)
        offsets.append(arena.count)
        hashes.append(hash)
        table[slot] = Self.entry(id, hash)
        if count * 2 > table.count { grow() }
        return (Int32(id), true)
    }

    /// The bytes of `id`.
    public func bytes(of id: Int32) -> ArraySlice<UInt8> {
        arena[offsets[Int(id)]..<offsets[Int(id) + 1]]
    }

    /// The value of `id` as text (invalid UTF-8 replaced).
    public func string(of id: Int32) -> String {
        String(decoding: bytes(of: id), as: UTF8.self)
    }

    /// Whether the value with this id is these bytes.
    @inline(__always)
    public func holds(_ id: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        id >= 0 && Int(id) < count && equals(Int(id), bytes)
    }

    @inline(__always)
    private func equals(_ id: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = offsets[id], end = offsets[id + 1]
        guard end - start == bytes.count else { return false }
        if bytes.isEmpty { return true }
        return arena.withUnsafeBytes { raw in
            memcmp(raw.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0  // both non-empty
        }
    }

    @inline(__always)
    private static func entry(_ id: Int, _ hash: UInt64) -> UInt64 {
        hash & 0xFFFF_FFFF_0000_0000 | UInt64(id + 1)
    }

    private mutating func grow() {
        let size = table.count * 2
        var bigger = [UInt64](repeating: 0, count: size)
        let newMask = size - 1
        for id in 0..<count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & newMask
            while bigger[slot] != 0 { slot = (slot + 1) & newMask }
            bigger[slot] = Self.entry(id, hashes[id])
        }
        table = bigger
        mask = newMask
    }

    /// A fast 64-bit hash: two independent multiply–xorshift lanes over 16-byte steps, so the
    /// multiplications of a long user agent overlap instead of waiting on each other.
    @inline(__always)
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let n = bytes.count
        var a: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F
        guard let base = bytes.baseAddress else { return a }
        var i = 0
        while i + 16 <= n {
            a = (a ^ base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            b = (b ^ base.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)) &* 0xC4CE_B9FE_1A85_EC53
            a ^= a >> 32
            b ^= b >> 29
            i += 16
        }
        if i + 8 <= n {
            a = (a ^ base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            a ^= a >> 32
            i += 8
        }
        // The last 0–7 bytes, first byte lowest. With 8 bytes or more, one load of the word
        // that ends at the last byte, shifted past the bytes already hashed; with 4 to 7, the
        // 4 bytes that start the tail and the 4 that end it, shifted past the overlap.
        var tail: UInt64 = 0
        let left = n - i
        if left > 0, n >= 8 {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
            tail = word >> UInt64(64 - 8 * left)
        } else if left >= 4 {
            let low = UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt32.self)))
            let high = UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)))
            tail = low | (high >> UInt64(64 - 8 * left)) << 32
        } else {
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
                shift += 8
                i += 1
            }
        }
        var h = (a ^ (b &* 0x9E37_79B9_7F4A_7C15) ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 32
        return h
    }
}
