import Testing
@testable import LogParsing

@Suite struct ByteInternerTests {
    /// The hash as first written: the last bytes gathered one at a time.
    func bytewiseHash(_ bytes: [UInt8]) -> UInt64 {
        let n = bytes.count
        var a: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F
        func word(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[at + $1]) << UInt64(8 * $1) } }
        var i = 0
        while i + 16 <= n {
            a = (a ^ word(i)) &* 0xFF51_AFD7_ED55_8CCD
            b = (b ^ word(i + 8)) &* 0xC4CE_B9FE_1A85_EC53
            a ^= a >> 32
            b ^= b >> 29
            i += 16
        }
        if i + 8 <= n {
            a = (a ^ word(i)) &* 0xFF51_AFD7_ED55_8CCD
            a ^= a >> 32
            i += 8
        }
        var tail: UInt64 = 0
        for (shift, byte) in bytes[i...].enumerated() { tail |= UInt64(byte) << UInt64(8 * shift) }
        var h = (a ^ (b &* 0x9E37_79B9_7F4A_7C15) ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 32
        return h
    }

    @Test func theTailIsHashedAsByteByByte() {
        // Every length up to 40 (each way the last bytes fall), bytes with the top bit set too.
        for length in 0...40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 201) }
            #expect(bytes.withUnsafeBytes { ByteInterner.hash($0) } == bytewiseHash(bytes), "length \(length)")
            // At an odd address, as values lie in a line.
            let shifted = [UInt8(7)] + bytes
            let unaligned = shifted.withUnsafeBytes { ByteInterner.hash(UnsafeRawBufferPointer(rebasing: $0.dropFirst())) }
            #expect(unaligned == bytewiseHash(bytes), "length \(length), unaligned")
        }
    }

    @Test func equalValuesShareAnIdAndTheTableGrows() {
        var interner = ByteInterner(capacity: 4)
        var ids: [Int32] = []
        for index in 0..<1000 {
            let text = Array("/p/\(index % 300)".utf8)
            ids.append(text.withUnsafeBytes { interner.intern($0).id })
        }
        #expect(interner.count == 300)
        #expect(ids[0] == ids[300] && ids[299] == ids[599])
        #expect(interner.string(of: ids[123]) == "/p/123")
    }
}
