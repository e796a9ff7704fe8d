import Testing
import LogParsing
@testable import uxchurn

@Suite struct ProgressTests {
    @Test func theBarShowsShareRateAndTimeLeft() {
        let line = ProgressBar.line(IngestProgress(bytesRead: 100 << 20, lines: 1_200_000), total: 400 << 20, elapsed: 1)
        #expect(line == "\r\u{1B}[Kuxchurn [######..................] 25%  100 of 400 MB  1.2 M lines/s  3 s left")
        let early = ProgressBar.line(IngestProgress(bytesRead: 1 << 20, lines: 900), total: 400 << 20, elapsed: 0.3)
        #expect(early == "\r\u{1B}[Kuxchurn [........................] 0%  1 of 400 MB  3 k lines/s")
    }

    @Test func standardInputHasNoTotal() {
        let line = ProgressBar.line(IngestProgress(bytesRead: 5 << 20, lines: 50), total: 0, elapsed: 1)
        #expect(line == "\r\u{1B}[Kuxchurn  5 MB read  50 lines/s")
    }

    @Test func memoryLimits() {
        #expect(MemoryLimit.parse("512M") == 512 << 20)
        #expect(MemoryLimit.parse("2G") == 2 << 30)
        #expect(MemoryLimit.parse("1.5GiB") == 3 << 29)
        #expect(MemoryLimit.parse("800 MB") == 800 << 20)
        #expect(MemoryLimit.parse("1048576") == 1 << 20)
        #expect(MemoryLimit.parse("lots") == nil)
        #expect(MemoryLimit.parse("-1G") == nil)
        #expect(MemoryLimit.text(3 << 29) == "1.5 GiB")
    }

    @Test func residentMemoryIsRead() throws {
        let bytes = try #require(MemoryLimit.residentBytes())
        #expect(bytes > 1 << 20)
    }
}
