import Foundation
import Testing
@testable import LogParsing

/// Timestamps written without a UTC offset take the offset of `--timezone`/`timezone:`: a fixed
/// offset, or an IANA zone's offset in force at that wall-clock time.
@Suite struct TimeZoneTests {
    /// Seconds since 1970-01-01 of a wall-clock time, as if it were UTC.
    func local(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int) -> Int64 {
        CivilDate(year: year, month: month, day: day).daysSinceEpoch * 86_400 + Int64(hour * 3600 + minute * 60)
    }

    @Test(arguments: [("+03:30", 210), ("-0500", -300), ("+01", 60), ("UTC", 0), ("Z", 0), ("-00:00", 0)])
    func fixedOffsets(text: String, minutes: Int) throws {
        let zone = try TimeZoneRule.named(text)
        #expect(zone.offsetMinutes(localSeconds: local(2026, 6, 1, 12, 0)) == Int16(minutes))
    }

    @Test(arguments: ["+25:00", "+0160", "Mars/Base", "../../etc/passwd", "", "Europe/Berlin\u{0}", "+1:00"])
    func badZonesAreRefusedWithAMessage(text: String) {
        #expect(throws: TimeZoneRule.Failure.self) { try TimeZoneRule.named(text) }
    }

    @Test(.enabled(if: (try? TimeZoneRule.named("Europe/Berlin")) != nil, "no time zone database on this machine"))
    func summerTimeChangesTheOffsetAtTheWallClockTime() throws {
        let berlin = try TimeZoneRule.named("Europe/Berlin")
        #expect(berlin.offsetMinutes(localSeconds: local(2026, 1, 15, 12, 0)) == 60)
        #expect(berlin.offsetMinutes(localSeconds: local(2026, 7, 15, 12, 0)) == 120)
        // 29 March 2026: 02:00 becomes 03:00. The skipped hour takes the offset before the change.
        #expect(berlin.offsetMinutes(localSeconds: local(2026, 3, 29, 1, 59)) == 60)
        #expect(berlin.offsetMinutes(localSeconds: local(2026, 3, 29, 2, 30)) == 60)
        #expect(berlin.offsetMinutes(localSeconds: local(2026, 3, 29, 3, 0)) == 120)
        // 25 October 2026: 03:00 becomes 02:00 again. The repeated hour takes the offset before.
        #expect(berlin.offsetMinutes(localSeconds: local(2026, 10, 25, 1, 59)) == 120)
        #expect(berlin.offsetMinutes(localSeconds: local(2026, 10, 25, 2, 30)) == 120)
        #expect(berlin.offsetMinutes(localSeconds: local(2026, 10, 25, 3, 0)) == 60)
        let newYork = try TimeZoneRule.named("America/New_York")
        #expect(newYork.offsetMinutes(localSeconds: local(2026, 3, 8, 1, 30)) == -300)
        #expect(newYork.offsetMinutes(localSeconds: local(2026, 3, 8, 3, 0)) == -240)
        #expect(newYork.offsetMinutes(localSeconds: local(1995, 7, 1, 12, 0)) == -240)
    }

    /// "Slim" zone files list changes only up to the last change of rules and leave the rest to
    /// their POSIX footer: read either way, a zone gives the same offsets.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/share/zoneinfo/tzdata.zi")
                   && FileManager.default.fileExists(atPath: "/usr/sbin/zic"), "no zic or tzdata.zi here"))
    func slimAndFatZoneFilesAgree() throws {
        let folder = NSTemporaryDirectory() + "uxchurn-tz-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let zic = Process()
        zic.executableURL = URL(fileURLWithPath: "/usr/sbin/zic")
        zic.arguments = ["-b", "slim", "-d", folder, "/usr/share/zoneinfo/tzdata.zi"]
        try zic.run()
        zic.waitUntilExit()
        for name in ["Europe/Berlin", "America/New_York", "Australia/Sydney", "America/Sao_Paulo", "Asia/Tokyo"] {
            let fat = try TimeZoneRule.named(name)
            let slim = try TimeZoneRule.file(folder + "/" + name, name: name)
            for year in [1995, 2010, 2026, 2031, 2036] {
                for month in 1...12 {
                    for (day, hour) in [(1, 12), (8, 2), (15, 3), (25, 2), (28, 1)] {
                        let wallClock = local(year, month, day, hour, 30)
                        #expect(slim.offsetMinutes(localSeconds: wallClock) == fat.offsetMinutes(localSeconds: wallClock),
                                "\(name) \(year)-\(month)-\(day) \(hour):30")
                    }
                }
            }
        }
    }

    @Test func offsetLessTimestampsParseOnlyWithAZoneAndAWrittenOffsetWins() throws {
        let zone = try TimeZoneRule.named("+02:00")
        func parse(_ text: String, _ zone: TimeZoneRule?) -> LogTimestamp? {
            var line = Array(text.utf8)
            var fields = ParsedLine()
            let parser = LineParser(format: .combined, timeZone: zone)
            return line.withUnsafeMutableBytes { parser.parse($0, into: &fields) } ? fields.timestamp : nil
        }
        let bare = #"192.0.2.1 - - [01/Jun/2019:10:12:31] "GET / HTTP/1.1" 200 5 "-" "Mozilla/5.0""#
        let written = #"192.0.2.1 - - [01/Jun/2019:10:12:31 -0500] "GET / HTTP/1.1" 200 5 "-" "Mozilla/5.0""#
        #expect(parse(bare, nil) == nil)
        let local = try #require(parse(bare, zone))
        #expect(local.offsetMinutes == 120 && local.iso8601 == "2019-06-01T10:12:31+02:00")
        #expect(parse(written, zone)?.offsetMinutes == -300)
        // nginx `$time_iso8601` without an offset, too.
        let iso = try LogFormat.nginx(#"$remote_addr [$time_iso8601] "$request" $status"#)
        var line = Array(#"192.0.2.1 [2019-06-01T10:12:31] "GET / HTTP/1.1" 200"#.utf8)
        var fields = ParsedLine()
        #expect(line.withUnsafeMutableBytes { LineParser(format: iso, timeZone: zone).parse($0, into: &fields) })
        #expect(fields.timestamp.iso8601 == "2019-06-01T10:12:31+02:00")
    }
}
