/// Puts hits from several inputs, each in order but for up to `maxDisorder` seconds, into the
/// exact order of time, then input, then line, holding only the hits of the last few minutes.
///
/// The caller tells, for each input still being read, the latest instant it has seen (or, for
/// one not opened yet, its first): no hit to come can be earlier than that minus `maxDisorder`,
/// so every held hit before the lowest such bound is released, sorted. Releases wait until
/// `holdLimit` hits are held, which makes logs of up to that many hits exact for any disorder;
/// after that, every release passes on what it can.
public struct HitReorderBuffer {
    public let maxDisorder: Int64
    /// Up to this many hits are held before any is released, so a smaller log is put in order
    /// exactly whatever its disorder; past it, the `maxDisorder` guarantee holds.
    public let holdLimit: Int
    private var pending: [Hit] = []
    /// Every hit released so far is before this instant.
    public private(set) var releasedBefore: Int64 = .min
    /// Whether `holdLimit` was reached once: from then on each release passes on what it can,
    /// so the hits go on in small steps while the inputs are read, not in bursts.
    private var streaming = false
    /// Hits that arrived after hits later than them were released (an input out of order by
    /// more than `maxDisorder`): they are passed on at once, out of place.
    public private(set) var lateHits = 0

    public init(maxDisorder: Int64 = 600, holdLimit: Int = 1 << 16) {
        self.maxDisorder = maxDisorder
        self.holdLimit = holdLimit
    }

    public var heldCount: Int { pending.count }

    /// Takes a hit; a late one goes straight to `late`.
    public mutating func add(_ hit: Hit, late: (Hit) -> Void) {
        if hit.time < releasedBefore {
            lateHits += 1
            late(hit)
        } else {
            pending.append(hit)
        }
    }

    /// Releases, in order, every held hit earlier than `bound - maxDisorder`: `deliver` gets
    /// them all in one call, so the caller can look ahead among them.
    ///
    /// - Parameter bound: the lowest latest-seen instant over the inputs still being read;
    ///   `nil` when every input is read (everything is released).
    public mutating func releaseAll(upTo bound: Int64?, _ deliver: (UnsafeBufferPointer<Hit>) -> Void) {
        if bound != nil, !streaming, pending.count < holdLimit { return }
        if bound != nil { streaming = true }
        let limit = bound.map { $0.subtractingReportingOverflow(maxDisorder).overflow ? .min : $0 - maxDisorder } ?? .max
        guard limit > releasedBefore || bound == nil else { return }
        // Sorted, the releasable hits are a prefix: no second array is needed.
        sortPending()
        var count = 0
        while count < pending.count, pending[count].time < limit { count += 1 }
        if count > 0 { pending.withUnsafeBufferPointer { deliver(UnsafeBufferPointer(rebasing: $0[..<count])) } }
        pending.removeFirst(count)
        releasedBefore = max(releasedBefore, limit)
    }

    /// Sorts `pending` in the order of `Hit.precedes` by sorting small keys, then moving each
    /// hit once: a hit is 80 bytes, and sorting the hits themselves moved each of them many times.
    private mutating func sortPending() {
        struct Key {
            var time: Int64
            /// Input rank, then line: unique, so the order is total.
            var rankLine: Int64
            var index: Int32
        }
        guard pending.count > 1 else { return }
        var inOrder = true
        for index in 1..<pending.count where Hit.precedes(pending[index], pending[index - 1]) {
            inOrder = false
            break
        }
        if inOrder { return }
        guard pending.count < Int(Int32.max), pending.allSatisfy({ $0.line < 1 << 40 && $0.inputRank < 1 << 22 }) else {
            pending.sort(by: Hit.precedes)
            return
        }
        var keys = pending.indices.map { index in
            Key(time: pending[index].time, rankLine: Int64(pending[index].inputRank) << 40 | pending[index].line,
                index: Int32(index))
        }
        keys.sort { $0.time != $1.time ? $0.time < $1.time : $0.rankLine < $1.rankLine }
        pending = keys.map { pending[Int($0.index)] }
    }
}
