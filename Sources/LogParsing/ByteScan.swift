import CScan

/// Searches of a line's bytes sixteen at a time, with the vector compares of `CScan`.
enum ByteScan {
    /// The offset of the first byte of `base[from..<end]` that `match` marks (it gives the
    /// marked bytes among the sixteen at a pointer as bits, and `test` says the same of one
    /// byte), or `end`. The last few bytes are looked at in one compare of the sixteen that
    /// end at `end` when `base` has that many before it (a line's own bytes), else one by one:
    /// nothing past `end` or before `base` is read.
    @inline(__always)
    static func first(_ base: UnsafeRawPointer, from: Int, to end: Int,
                      match: (UnsafeRawPointer) -> UInt32, test: (UInt8) -> Bool) -> Int {
        var i = from
        while i + 16 <= end {
            let mask = match(base + i)
            if mask != 0 { return i + mask.trailingZeroBitCount }
            i += 16
        }
        guard i < end else { return i }
        if end >= 16 {
            // Bit k of the shifted mask is byte i + k.
            let mask = match(base + (end - 16)) >> UInt32(i - (end - 16))
            return mask != 0 ? i + mask.trailingZeroBitCount : end
        }
        while i < end, !test(base.load(fromByteOffset: i, as: UInt8.self)) { i += 1 }
        return i
    }

    /// The first `byte` in `base[from..<end]`, or `end`.
    @inline(__always)
    static func first(_ byte: UInt8, in base: UnsafeRawPointer, from: Int, to end: Int) -> Int {
        first(base, from: from, to: end, match: { uxchurn_match16($0, byte) }, test: { $0 == byte })
    }

    /// The first `a` or `b` in `base[from..<end]`, or `end`.
    @inline(__always)
    static func first(_ a: UInt8, or b: UInt8, in base: UnsafeRawPointer, from: Int, to end: Int) -> Int {
        first(base, from: from, to: end, match: { uxchurn_match16_either($0, a, b) }, test: { $0 == a || $0 == b })
    }
}
