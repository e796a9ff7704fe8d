import Histogram
import Sessions

/// Exact nearest-rank percentiles of whole numbers, from a count per value.
///
/// Holds one entry per distinct value (seconds on a page, session durations), not per value;
/// the first `rawLimit` values are kept as they came, so a page group of a few views costs a
/// few bytes rather than a counting array.
public struct CountedValues: Sendable, Codable {
    /// Values 0 ..< `smallLimit` (seconds on a page, most durations) counted in an array
    /// grown as needed; others, and negative ones, in a dictionary.
    static let smallLimit: Int64 = 4096
    static let rawLimit = 32
    private var raw: [Int64] = []
    private var small: [Int32] = []
    private var counts: [Int64: Int] = [:]
    public private(set) var total = 0

    public init() {}

    public mutating func add(_ value: Int64) {
        total += 1
        if small.isEmpty, counts.isEmpty, raw.count < Self.rawLimit {
            raw.append(value)
        } else {
            for kept in raw { count(kept) }
            raw = []
            count(value)
        }
    }

    private mutating func count(_ value: Int64) {
        if value >= 0 && value < Self.smallLimit {
            let index = Int(value)
            if index >= small.count { small.append(contentsOf: repeatElement(0, count: index + 1 - small.count)) }
            small[index] += 1
        } else {
            counts[value, default: 0] += 1
        }
    }

    /// Adds another's values.
    public mutating func merge(_ other: CountedValues) {
        total += other.total
        if small.isEmpty, counts.isEmpty, other.small.isEmpty, other.counts.isEmpty, raw.count + other.raw.count <= Self.rawLimit {
            raw += other.raw
            return
        }
        for kept in raw + other.raw { count(kept) }
        raw = []
        if small.count < other.small.count { small.append(contentsOf: repeatElement(0, count: other.small.count - small.count)) }
        for (value, count) in other.small.enumerated() where count > 0 { small[value] += count }
        counts.merge(other.counts, uniquingKeysWith: +)
    }

    /// The value of rank ⌈p·n/100⌉ in ascending order; nil when empty.
    public func percentile(_ p: Int) -> Int64? {
        guard total > 0 else { return nil }
        let rank = max(1, (p * total + 99) / 100)
        if !raw.isEmpty { return raw.sorted()[rank - 1] }
        var seen = 0
        let large = counts.keys.sorted()
        for value in large where value < 0 {
            seen += counts[value] ?? 0
            if seen >= rank { return value }
        }
        for (value, count) in small.enumerated() where count > 0 {
            seen += Int(count)
            if seen >= rank { return Int64(value) }
        }
        for value in large where value >= 0 {
            seen += counts[value] ?? 0
            if seen >= rank { return value }
        }
        return nil
    }
}

/// Load times in microseconds, within 1% (HdrHistogram, two significant digits), mergeable.
///
/// The range is fixed (1 µs to an hour; longer times count as an hour): the library's
/// auto-resizing histograms corrupted memory here. A histogram holds about 13 KB of buckets,
/// so the first `rawLimit` times are kept as they came and the histogram is made only past
/// them, or when asked for: a log of a million distinct paths (a scanner) holds a million
/// groups of one view each. The histogram of the same values is the same in any order, so
/// every figure is the one an eager histogram gives.
public struct LoadTimes: Sendable, Codable {
    public static let highestMicroseconds: UInt64 = 3_600_000_000
    /// Times kept as values: all of them until there are this many, then the ones not yet
    /// recorded in the histogram, recorded this many at a time (one unsharing of the histogram
    /// per batch, not per view).
    static let rawLimit = 32
    private var raw: [UInt64] = []
    /// The histogram and its bins once made, behind one reference (copied on write): a group
    /// without one costs 8 bytes for it, not 80.
    private var made: MadeHistogram?
    public private(set) var satisfied = 0
    public private(set) var tolerating = 0

    final class MadeHistogram: @unchecked Sendable {
        var histogram: Histogram<UInt32>
        /// Views per bin of `LoadHistogram.bounds`.
        var bins: [Int]

        init(histogram: Histogram<UInt32>, bins: [Int]) {
            self.histogram = histogram
            self.bins = bins
        }

        func record(_ values: [UInt64]) {
            // The properties passed inout: one exclusive access each for the batch, not per value.
            Self.record(values, into: &histogram, bins: &bins)
        }

        private static func record(_ values: [UInt64], into histogram: inout Histogram<UInt32>, bins: inout [Int]) {
            for value in values {
                histogram.record(value)
                bins[LoadHistogram.index(microseconds: Int64(value))] += 1
            }
        }
    }

    public init() {}

    /// The made histogram, unshared (copied if another value holds it too); nil before it is made.
    private mutating func uniqueMade() -> MadeHistogram? {
        guard var box = made else { return nil }
        made = nil
        if !isKnownUniquelyReferenced(&box) { box = MadeHistogram(histogram: box.histogram, bins: box.bins) }
        made = box
        return box
    }

    static func emptyHistogram() -> Histogram<UInt32> {
        Histogram<UInt32>(lowestDiscernibleValue: 1, highestTrackableValue: highestMicroseconds, numberOfSignificantValueDigits: .two)
    }

    /// The histogram of every time added (the made one with the kept values recorded).
    public var histogram: Histogram<UInt32> {
        if let made, raw.isEmpty { return made.histogram }
        var histogram = made?.histogram ?? Self.emptyHistogram()
        for value in raw { histogram.record(value) }
        return histogram
    }

    /// Views per bin of `LoadHistogram.bounds`, for the histogram chart.
    public var bins: [Int] {
        var bins = made?.bins ?? [Int](repeating: 0, count: LoadHistogram.bounds.count)
        for value in raw { bins[LoadHistogram.index(microseconds: Int64(value))] += 1 }
        return bins
    }

    public var count: Int { (made.map { Int($0.histogram.totalCount) } ?? 0) + raw.count }

    public mutating func add(microseconds: Int64, apdexMicroseconds: Int64) {
        // Times over an hour count as an hour (the histogram's range; the same bin).
        raw.append(min(UInt64(max(microseconds, 0)), Self.highestMicroseconds))
        if raw.count > Self.rawLimit { recordKept() }
        if microseconds <= apdexMicroseconds {
            satisfied += 1
        } else if microseconds <= 4 * apdexMicroseconds {
            tolerating += 1
        }
    }

    /// The kept values into the histogram (made when there is none); the histogram to change.
    @discardableResult
    private mutating func recordKept() -> MadeHistogram {
        let box: MadeHistogram
        if let unique = uniqueMade() {
            box = unique
        } else {
            box = MadeHistogram(histogram: Self.emptyHistogram(), bins: [Int](repeating: 0, count: LoadHistogram.bounds.count))
            made = box
        }
        box.record(raw)
        raw.removeAll(keepingCapacity: true)
        return box
    }
    private enum CodingKeys: String, CodingKey { case values, min, max, satisfied, tolerating, bins }

    /// The histogram is written as its recorded values (value, count), not its whole bucket
    /// array (a partial result holds one per page group and day), with the exact smallest and
    /// largest values, which bound its percentiles.
    public func encode(to encoder: any Encoder) throws {
        let histogram = histogram
        var container = encoder.container(keyedBy: CodingKeys.self)
        var values: [UInt64] = []
        for bucket in histogram.recordedValues() {
            values.append(bucket.value)
            values.append(UInt64(bucket.count))
        }
        try container.encode(values, forKey: .values)
        if count > 0 {
            try container.encode(histogram.min, forKey: .min)
            try container.encode(histogram.maxRecorded, forKey: .max)
        }
        try container.encode(satisfied, forKey: .satisfied)
        try container.encode(tolerating, forKey: .tolerating)
        try container.encode(bins, forKey: .bins)
    }

    public init(from decoder: any Decoder) throws {
        var histogram = Self.emptyHistogram()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let values = try container.decode([UInt64].self, forKey: .values)
        guard values.count % 2 == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .values, in: container, debugDescription: "values come in (value, count) pairs")
        }
        let smallest = try container.decodeIfPresent(UInt64.self, forKey: .min)
        let largest = try container.decodeIfPresent(UInt64.self, forKey: .max)
        for index in stride(from: 0, to: values.count, by: 2) {
            guard let count = UInt32(exactly: values[index + 1]), count > 0 else {
                throw DecodingError.dataCorruptedError(forKey: .values, in: container, debugDescription: "a count out of range")
            }
            let value = min(values[index], Self.highestMicroseconds)
            // Within a bucket every value counts the same; the smallest and largest are
            // recorded as themselves so the histogram's bounds come back exact.
            let heldSmallest = smallest.flatMap { histogram.valuesAreEquivalent(value, $0) ? $0 : nil }
            let heldLargest = largest.flatMap { histogram.valuesAreEquivalent(value, $0) ? $0 : nil }
            switch (heldSmallest, heldLargest) {
            case let (low?, high?):
                histogram.record(low)
                if count > 1 { histogram.record(high, count: count - 1) }
            case let (low?, nil):
                histogram.record(low, count: count)
            case let (nil, high?):
                histogram.record(high, count: count)
            case (nil, nil):
                histogram.record(value, count: count)
            }
        }
        satisfied = try container.decode(Int.self, forKey: .satisfied)
        tolerating = try container.decode(Int.self, forKey: .tolerating)
        let bins = try container.decode([Int].self, forKey: .bins)
        made = MadeHistogram(histogram: histogram, bins: bins)
        guard bins.count == LoadHistogram.bounds.count else {
            throw DecodingError.dataCorruptedError(forKey: .bins, in: container, debugDescription: "\(LoadHistogram.bounds.count) bins expected")
        }
    }

    /// Adds another's views (a day's groups into one figure).
    public mutating func merge(_ other: LoadTimes) {
        if made == nil, other.made == nil, raw.count + other.raw.count <= Self.rawLimit {
            raw += other.raw
        } else {
            let box = recordKept()
            box.record(other.raw)
            if let theirs = other.made {
                box.histogram.add(theirs.histogram)
                for (index, views) in theirs.bins.enumerated() { box.bins[index] += views }
            }
        }
        satisfied += other.satisfied
        tolerating += other.tolerating
    }

    /// Nearest-rank percentile in milliseconds; nil when no timed view.
    public func percentileMilliseconds(_ p: Double) -> Double? {
        guard count > 0 else { return nil }
        return Double(histogram.valueAtPercentile(p)) / 1000
    }

    /// (satisfied + tolerating/2) / n; nil when no timed view.
    public var apdex: Double? {
        count > 0 ? (Double(satisfied) + Double(tolerating) / 2) / Double(count) : nil
    }
}
