import LogParsing

/// `--from` / `--to`: hits in [from, to). A bound with a UTC offset is an instant;
/// one without (`2026-03-02`, `2026-03-02T18:00`) is a wall-clock time in each line's own offset,
/// as days are.
public struct TimeBound: Sendable, Equatable {
    public var seconds: Int64
    /// True: `seconds` is UTC; false: local seconds (UTC + the line's offset).
    public var isInstant: Bool

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS]`, optionally followed by `Z` or `±HH:MM`.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for index in range {
                let digit = Int(bytes[index]) - 48
                guard digit >= 0, digit <= 9 else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard bytes.count >= 10, bytes[4] == 45, bytes[7] == 45,  // "-"
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              month >= 1, month <= 12, day >= 1, day <= Self.days(inMonth: month, of: year) else { return nil }
        var local = CivilDate(year: year, month: month, day: day).daysSinceEpoch * 86_400
        var index = 10
        if index < bytes.count, bytes[index] == 84 || bytes[index] == 32 {  // "T" or " "
            guard let hour = number(index + 1..<index + 3), bytes.count > index + 5, bytes[index + 3] == 58,
                  let minute = number(index + 4..<index + 6), hour < 24, minute < 60 else { return nil }
            local += Int64(hour * 3600 + minute * 60)
            index += 6
            if index < bytes.count, bytes[index] == 58 {
                guard let second = number(index + 1..<index + 3), second < 61 else { return nil }
                local += Int64(second)
                index += 3
            }
        }
        if index == bytes.count {
            self.init(seconds: local, isInstant: false)
            return
        }
        if bytes[index] == 90, index + 1 == bytes.count {  // "Z"
            self.init(seconds: local, isInstant: true)
            return
        }
        guard bytes[index] == 43 || bytes[index] == 45, bytes.count == index + 6, bytes[index + 3] == 58,
              let hours = number(index + 1..<index + 3), let minutes = number(index + 4..<index + 6) else { return nil }
        let offset = Int64(hours * 3600 + minutes * 60) * (bytes[index] == 45 ? -1 : 1)
        self.init(seconds: local - offset, isInstant: true)
    }

    /// 28 to 31: the next month's first day less this month's (2026-02-30 is no date).
    static func days(inMonth month: Int, of year: Int) -> Int {
        let next = month == 12 ? CivilDate(year: year + 1, month: 1, day: 1) : CivilDate(year: year, month: month + 1, day: 1)
        return Int(next.daysSinceEpoch - CivilDate(year: year, month: month, day: 1).daysSinceEpoch)
    }

    public init(seconds: Int64, isInstant: Bool) {
        self.seconds = seconds
        self.isInstant = isInstant
    }

    @inline(__always)
    func value(utc: Int64, offsetMinutes: Int16) -> Int64 {
        isInstant ? utc : utc + Int64(offsetMinutes) * 60
    }
}

/// The window `--from` and `--to` keep.
public struct TimeWindow: Sendable, Equatable {
    public var from: TimeBound?
    public var to: TimeBound?

    public init(from: TimeBound? = nil, to: TimeBound? = nil) {
        self.from = from
        self.to = to
    }

    @inline(__always)
    func contains(utc: Int64, offsetMinutes: Int16) -> Bool {
        if let from, from.value(utc: utc, offsetMinutes: offsetMinutes) < from.seconds { return false }
        if let to, to.value(utc: utc, offsetMinutes: offsetMinutes) >= to.seconds { return false }
        return true
    }
}
