/// The time of an Apache `%{FORMAT}t` directive: strftime conversions of fixed width
/// (`%d/%b/%Y:%H:%M:%S %z`, `%Y-%m-%dT%H:%M:%S`), read back from the bytes the server wrote.
/// Without `%z` the time is a wall-clock time in the zone given with `--timezone`.
public struct StrftimePattern: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case literal(UInt8)
        case day, spaceDay, month, monthName, year, shortYear, hour, minute, second, offset
    }

    let parts: [Part]
    /// The bytes every time of this pattern takes.
    public let width: Int
    /// Whether the pattern writes the UTC offset (`%z`).
    public let hasOffset: Bool

    /// - Throws: a conversion whose width varies or that names no part of a date-time.
    public init(_ format: String, in source: String) throws(FormatError) {
        var parts: [Part] = []
        let bytes = Array(format.utf8)
        var i = 0
        while i < bytes.count {
            guard bytes[i] == ASCII.percent else {
                parts.append(.literal(bytes[i]))
                i += 1
                continue
            }
            guard i + 1 < bytes.count else { throw FormatError(format: source, message: "%{\(format)}t ends with a lone %") }
            let conversion = bytes[i + 1]
            i += 2
            switch conversion {
            case UInt8(ascii: "d"): parts.append(.day)
            case UInt8(ascii: "e"): parts.append(.spaceDay)
            case UInt8(ascii: "m"): parts.append(.month)
            case UInt8(ascii: "b"), UInt8(ascii: "h"): parts.append(.monthName)
            case UInt8(ascii: "Y"): parts.append(.year)
            case UInt8(ascii: "y"): parts.append(.shortYear)
            case UInt8(ascii: "H"): parts.append(.hour)
            case UInt8(ascii: "M"): parts.append(.minute)
            case UInt8(ascii: "S"): parts.append(.second)
            case UInt8(ascii: "z"): parts.append(.offset)
            case UInt8(ascii: "T"): parts += [.hour, .literal(ASCII.colon), .minute, .literal(ASCII.colon), .second]
            case UInt8(ascii: "R"): parts += [.hour, .literal(ASCII.colon), .minute]
            case UInt8(ascii: "F"): parts += [.year, .literal(ASCII.minus), .month, .literal(ASCII.minus), .day]
            case UInt8(ascii: "D"): parts += [.month, .literal(ASCII.slash), .day, .literal(ASCII.slash), .shortYear]
            case ASCII.percent: parts.append(.literal(ASCII.percent))
            default:
                throw FormatError(format: source, message: "%{\(format)}t uses %\(Character(UnicodeScalar(conversion))), which uxchurn cannot read back; use %d %e %m %b %Y %y %H %M %S %z %T %F %D %R")
            }
        }
        let has = { (part: Part) in parts.contains(part) }
        guard has(.day) || has(.spaceDay), has(.month) || has(.monthName), has(.year) || has(.shortYear), has(.hour), has(.minute)
        else {
            throw FormatError(format: source, message: "%{\(format)}t needs a day, a month, a year, an hour and a minute")
        }
        self.parts = parts
        width = parts.reduce(0) { total, part in
            switch part {
            case .literal: return total + 1
            case .year: return total + 4
            case .monthName: return total + 3
            case .offset: return total + 5
            default: return total + 2
            }
        }
        hasOffset = has(.offset)
    }

    /// The instant of `width` bytes at `p`; nil unless they are this pattern's shape and a valid
    /// date-time with an offset (written, or from `zone`).
    func parse(_ p: UnsafeRawPointer, zone: TimeZoneRule?) -> LogTimestamp? {
        var at = 0
        var day = 0, month = 0, year = -1, hour = 0, minute = 0, second = 0
        var offset: Int?
        func two(_ allowSpace: Bool = false) -> Int? {
            var first = p.load(fromByteOffset: at, as: UInt8.self)
            if allowSpace, first == ASCII.space { first = ASCII.zero }
            let a = first &- ASCII.zero, b = p.load(fromByteOffset: at + 1, as: UInt8.self) &- ASCII.zero
            guard a < 10, b < 10 else { return nil }
            at += 2
            return Int(a) * 10 + Int(b)
        }
        for part in parts {
            switch part {
            case let .literal(byte):
                guard p.load(fromByteOffset: at, as: UInt8.self) == byte else { return nil }
                at += 1
            case .day: guard let value = two() else { return nil }; day = value
            case .spaceDay: guard let value = two(true) else { return nil }; day = value
            case .month: guard let value = two() else { return nil }; month = value
            case .monthName:
                guard let value = TimestampParser.monthNumber(p + at) else { return nil }
                month = value
                at += 3
            case .year:
                guard let high = two(), let low = two() else { return nil }
                year = high * 100 + low
            case .shortYear:
                guard let value = two() else { return nil }
                year = value < 69 ? 2000 + value : 1900 + value  // POSIX's reading of %y
            case .hour: guard let value = two(), value < 24 else { return nil }; hour = value
            case .minute: guard let value = two(), value < 60 else { return nil }; minute = value
            case .second: guard let value = two(), value <= 60 else { return nil }; second = value
            case .offset:
                let sign = p.load(fromByteOffset: at, as: UInt8.self)
                guard sign == ASCII.plus || sign == ASCII.minus else { return nil }
                at += 1
                guard let hours = two(), hours <= 18, let minutes = two(), minutes < 60 else { return nil }
                offset = (sign == ASCII.minus ? -1 : 1) * (hours * 60 + minutes)
            }
        }
        guard month >= 1, month <= 12, year >= 0, day >= 1, day <= CivilDate.daysInMonth(month, year: year) else { return nil }
        let local = CivilDate(year: year, month: month, day: day).daysSinceEpoch * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        let minutes: Int16
        if let offset {
            minutes = Int16(offset)
        } else if let zone {
            minutes = zone.offsetMinutes(localSeconds: local)
        } else {
            return nil
        }
        return LogTimestamp(utcSeconds: local - Int64(minutes) * 60, offsetMinutes: minutes)
    }
}
