#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LogInput
import LogParsing
import UXChurn
import Reports

/// The progress bar on stderr: bytes read of the total, lines a second, time left.
///
/// Drawn at most ten times a second, on one line rewritten with `\r`, and cleared at the end, so
/// a log file or a pipe never sees it (it is drawn only when stderr is a terminal, unless forced).
final class ProgressBar {
    /// Bytes of all inputs (compressed size for gzip); 0 when unknown (standard input).
    var total = 0
    /// When reading began (rates and time left count from it).
    var start = ProgressBar.now()
    private var lastDrawn = 0.0
    private var drawn = false

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Whether stderr is a terminal.
    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    func update(_ progress: IngestProgress) {
        let now = Self.now()
        guard now - lastDrawn >= 0.1 else { return }
        lastDrawn = now
        write(Self.line(progress, total: total, elapsed: now - start))
        drawn = true
    }

    /// Clears the bar's line.
    func finish() {
        if drawn { write("\r\u{1B}[K") }
        drawn = false
    }

    private func write(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }

    /// `\r[#########...........]  45%  118 of 263 MB  1.2 M lines/s  4 s left`.
    static func line(_ progress: IngestProgress, total: Int, elapsed: Double) -> String {
        let rate = elapsed > 0 ? Double(progress.lines) / elapsed : 0
        let lines = (rate >= 1e6 ? Format.oneDecimal(rate / 1e6) + " M" : rate >= 1e3 ? Format.oneDecimal(rate / 1e3) + " k" : "\(Int(rate))")
            + " lines/s"
        let mb = { (bytes: Int) in Format.count(bytes / 1_048_576) }
        guard total > 0 else {
            return "\r\u{1B}[Kuxchurn  \(mb(progress.bytesRead)) MB read  \(lines)"
        }
        let share = min(1, Double(progress.bytesRead) / Double(total))
        let width = 24
        let filled = Int((share * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        var text = "\r\u{1B}[Kuxchurn [\(bar)] \(Int((share * 100).rounded(.down)))%  \(mb(progress.bytesRead)) of \(mb(total)) MB  \(lines)"
        if share > 0.02, elapsed > 0.5 {
            let left = elapsed / share - elapsed
            text += "  \(Format.duration(Int64(left.rounded(.up)))) left"
        }
        return text
    }
}

/// The progress bar and the `--max-memory` guard, told by the pipeline how far reading is.
final class IngestMonitor: IngestObserver {
    let bar: ProgressBar?
    let memory: MemoryLimit?

    init(bar: ProgressBar?, memory: MemoryLimit?) {
        self.bar = bar
        self.memory = memory
    }

    func start(totalBytes: Int) {
        bar?.total = totalBytes
        bar?.start = ProgressBar.now()
    }

    func update(_ progress: IngestProgress) throws(RunError) {
        try memory?.check(progress)
        bar?.update(progress)
    }

    func finish() {
        bar?.finish()
    }
}

/// `--max-memory`: stops the run cleanly when the process's resident memory passes a limit.
struct MemoryLimit {
    let limit: Int

    /// Resident memory of this process, from `/proc/self/statm` (its second field, in pages).
    static func residentBytes() -> Int? {
        guard let file = fopen("/proc/self/statm", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 128)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let text = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let fields = String(decoding: text, as: UTF8.self).split(separator: " ")
        guard fields.count >= 2, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    func check(_ progress: IngestProgress) throws(RunError) {
        guard let resident = Self.residentBytes(), resident > limit else { return }
        throw .input("memory use reached \(MemoryLimit.text(resident)), over --max-memory \(MemoryLimit.text(limit)), "
            + "after \(Format.count(progress.lines)) lines; no report was written and the state is unchanged. "
            + "Memory grows with concurrent visitors and distinct page groups: raise --max-memory, "
            + "configure `pages` so that paths fall into fewer groups, or split the logs with --from/--to.")
    }

    /// `512 MiB`, `2.5 GiB`.
    static func text(_ bytes: Int) -> String {
        bytes >= 1 << 30 ? Format.oneDecimal(Double(bytes) / Double(1 << 30)) + " GiB" : "\(bytes >> 20) MiB"
    }

    /// `512M`, `2G`, `1.5GiB`, `800MB`, or bytes.
    static func parse(_ text: String) -> Int? {
        var number = text.filter { $0 != " " }
        var scale = 1.0
        let units: [(String, Double)] = [("GIB", 1_073_741_824), ("GB", 1_073_741_824), ("G", 1_073_741_824),
                                         ("MIB", 1_048_576), ("MB", 1_048_576), ("M", 1_048_576),
                                         ("KIB", 1024), ("KB", 1024), ("K", 1024)]
        let upper = number.uppercased()
        for (unit, factor) in units where upper.hasSuffix(unit) {
            number = String(number.dropLast(unit.count))
            scale = factor
            break
        }
        guard let value = Double(number), value > 0, value * scale < 0x1p62 else { return nil }  // 4 EiB
        return Int(value * scale)
    }
}
