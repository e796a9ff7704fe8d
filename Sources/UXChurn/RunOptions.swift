#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LogInput
import LogParsing
import Reports
import Sessions

/// Why a run stopped. The executable maps each case to its exit code.
public enum RunError: Error, CustomStringConvertible {
    /// A usage or configuration mistake: nothing was read or written.
    case configuration(String)
    /// An input that cannot be read, or too many lines that do not parse; no report.
    case input(String)
    /// Gzip faults, after the outputs were written: the lines before each fault were counted.
    case inputFaults([InputError])
    /// This many thresholds are breached (`check`, `report --fail-on-breach`).
    case breached(Int)

    public var description: String {
        switch self {
        case let .configuration(message), let .input(message): return message
        case let .inputFaults(faults): return faults.map(\.description).joined(separator: "\n")
        case let .breached(count): return "\(count) threshold\(count == 1 ? " is" : "s are") breached"
        }
    }
}

/// Options shared by `report` and `check`, as the executable maps them from the command line.
public struct RunOptions {
    public var inputs: [String]
    public var configPath: String?
    /// `--format`; wins over the config's `format`.
    public var format: String?
    /// `--timezone`: wins over the configuration's `timezone:`.
    public var timeZone: String?
    public var strict = false
    /// The share of skipped lines that stops the run (`--max-bad-lines`, default 5%).
    public var maxBadLineShare = 0.05
    /// Parser threads (`--jobs`); default: the processor count.
    public var jobs = processorCount()
    /// `--from` / `--to`.
    public var window = TimeWindow()
    /// Analyse with this configuration instead of loading one (`init LOGS` fits with none).
    public var configuration: Configuration?
    /// `--state FILE`: the nightly history.
    public var statePath: String?
    /// `--keep-days N`: prune the history to the newest N days.
    public var keepDays: Int?
    /// `--state-wait S`: how long to wait for another run holding the state.
    public var stateWaitSeconds = 60.0
    /// Told how far reading is (the progress bar, the `--max-memory` guard).
    public var observer: (any IngestObserver)?
    /// Page groups made of normalised paths at most; the paths of any further one count as
    /// "other pages" (the tests lower it).
    var automaticGroupLimit = PageGroups.defaultAutomaticLimit

    public init(inputs: [String]) {
        self.inputs = inputs
    }
}

/// Where the zero-configuration default comes from, as messages name it.
let builtInSource = "built-in generic preset"

extension RunOptions {
    /// The configuration the run uses: the one given, else `--config`, else `./uxchurn.yml`,
    /// else the built-in `generic` preset. Every command loads it here.
    public func loadConfiguration() throws(RunError) -> Configuration {
        if let configuration { return configuration }
        do {
            if let configPath { return try Configuration.load(path: configPath) }
            if fileExists("uxchurn.yml") { return try Configuration.load(path: "uxchurn.yml") }
        } catch {
            throw .configuration(error.description)
        }
        return try Configuration.builtIn()
    }
}

extension Configuration {
    /// The built-in `generic` preset: the zero-configuration default, and what a configuration
    /// is fitted to the logs with.
    static func builtIn() throws(RunError) -> Configuration {
        do {
            return try Configuration.parse(yaml: ConfigurationPresets.generic, file: builtInSource)
        } catch {
            throw .configuration(error.description)
        }
    }
}

/// Told how far the reading of the logs is, on the thread that runs the pipeline.
public protocol IngestObserver: AnyObject {
    /// Before the first chunk: the bytes of every input (compressed bytes for gzip; 0 for
    /// standard input).
    func start(totalBytes: Int)
    /// After each chunk. An error stops the run.
    func update(_ progress: IngestProgress) throws(RunError)
    /// Reading ended, or stopped.
    func finish()
}

/// Online processors, at least 1.
public func processorCount() -> Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
