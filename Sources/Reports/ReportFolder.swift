import CSystemCalls
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a report could not be written, or why the folder was refused before any log was read.
public struct ReportWriteError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    /// The folder is not uxchurn's to replace (exit 2, nothing touched); otherwise writing failed.
    public var isRefusal = false
    public var description: String {
        isRefusal ? "\(path): \(reason)" : "\(path): cannot write the report: \(reason)"
    }
}

/// A report folder, written whole or not at all, and never over files uxchurn did not write.
///
/// `-o DIR` may name a new folder, an empty one, or one an earlier report wrote: such a folder
/// holds the marker file `.uxchurn-report`, which lists every file that report wrote. Anything
/// else — a folder of other files, a file, a folder holding an input or the history file — is
/// refused before any log is read. A report is written into a hidden sibling folder
/// (`.NAME.uxchurn-PID`, marker first), swapped with the old folder in one atomic exchange
/// (Linux `renameat2`), and the old report's listed files are then removed. A web server reading
/// the folder always finds a whole report. SIGINT, SIGTERM and SIGHUP wait until the swap is
/// done; a run killed outright leaves its hidden folder, which the next run into the same
/// place removes.
public struct ReportFolder: Sendable {
    /// The marker file of a folder uxchurn wrote.
    public static let markerName = ".uxchurn-report"
    static let markerHeading = "uxchurn report folder: the next report into it replaces the files listed below."

    /// The folder as named (a trailing `/` dropped); a symbolic link is followed to its target.
    public let path: String
    private let parent: String
    private let base: String

    /// Checks that `folder` may receive a report and removes what killed runs left beside it.
    ///
    /// - Parameter protecting: inputs and the history file; none may lie inside the folder.
    /// - Throws: a refusal naming the reason; nothing has been changed then.
    public init(_ folder: String, protecting: [String] = []) throws(ReportWriteError) {
        var trimmed = folder
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard !trimmed.isEmpty else { throw Self.refusal(folder, "the report folder needs a name") }
        var info = stat()
        if lstat(trimmed, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
            guard let target = Self.realPath(trimmed) else {
                throw Self.refusal(trimmed, "is a symbolic link to nothing; name a folder")
            }
            trimmed = target
        }
        path = trimmed
        if let slash = trimmed.lastIndex(of: "/") {
            parent = slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
            base = String(trimmed[trimmed.index(after: slash)...])
        } else {
            parent = "."
            base = trimmed
        }
        guard !base.isEmpty, base != ".", base != ".." else {
            throw Self.refusal(trimmed, "name a folder for the report, not /, . or ..")
        }
        var parentInfo = stat()
        guard stat(parent, &parentInfo) == 0, (parentInfo.st_mode & S_IFMT) == S_IFDIR else {
            throw Self.refusal(trimmed, "the folder \(parent) that would hold the report does not exist")
        }
        guard access(parent, W_OK) == 0 else {
            throw Self.refusal(trimmed, "cannot write in \(parent) (\(String(cString: strerror(errno)))), where the report is put together")
        }
        if case .empty = try checkReplaceable() {
            var info = stat()
            if stat(trimmed, &info) == 0, info.st_dev != parentInfo.st_dev {
                throw Self.refusal(trimmed, "is a mount point, which cannot be swapped for a new report; name a folder inside it")
            }
        }
        if let real = Self.realPath(trimmed) {
            for protected in protecting {
                guard let other = Self.realPath(protected) ?? Self.realPathOfNew(protected) else { continue }
                if other == real || other.hasPrefix(real == "/" ? "/" : real + "/") {
                    throw Self.refusal(trimmed, "holds \(protected), which this run reads; write the report elsewhere")
                }
            }
        }
        removeLeftovers()
    }

    /// Where `file` would lie inside the folder, relative to it (one subfolder at most); nil when
    /// it lies elsewhere. `report --junit` writes such a file with the report, listed in its marker.
    public static func relativePath(of file: String, inside folder: String) -> String? {
        let folder = absolute(folder)
        let full = absolute(file)
        guard full.hasPrefix(folder == "/" ? "/" : folder + "/") else { return nil }
        let relative = String(full.dropFirst(folder == "/" ? 1 : folder.count + 1))
        return relative.split(separator: "/").count <= 2 ? relative : nil
    }

    /// What the folder holds now: nothing, an empty folder, or an earlier report's listed files.
    private enum Contents {
        case none
        case empty
        case report([String])
    }

    /// Refuses anything but a new folder, an empty one, or an earlier report with only its files.
    @discardableResult
    private func checkReplaceable() throws(ReportWriteError) -> Contents {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return .none }
            throw Self.refusal(path, "cannot be examined: \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw Self.refusal(path, "exists and is not a folder; name a new folder, an empty one or an earlier report")
        }
        guard let entries = Self.entries(path) else {
            throw Self.refusal(path, "cannot be read (\(String(cString: strerror(errno)))); it was left as it is")
        }
        if entries.isEmpty { return .empty }
        guard let listed = Self.listedFiles(in: path) else {
            throw Self.refusal(path, "is a folder that uxchurn did not write (it has no \(Self.markerName) file) and is not empty; "
                + "it was left as it is: name a new folder, an empty one or an earlier report")
        }
        let subfolders = Set(listed.compactMap(Self.folderOf))
        let allowed = Set(listed).union([Self.markerName]).union(subfolders)
        var found = entries
        for sub in subfolders.sorted() where entries.contains(sub) {
            // A real folder only: through a symbolic link, removing the listed names would
            // remove someone else's files.
            var info = stat()
            guard lstat(path + "/" + sub, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR,
                  let inside = Self.entries(path + "/" + sub) else {
                throw Self.refusal(path, "holds \(sub), which is not a folder uxchurn wrote; the folder was left as it is")
            }
            found += inside.map { sub + "/" + $0 }
        }
        for entry in found where !allowed.contains(entry) {
            throw Self.refusal(path, "holds \(entry), which uxchurn did not write; the folder was left as it is: "
                + "move that file away or name another report folder")
        }
        return .report(listed)
    }

    /// Writes the files as the folder's whole new content.
    ///
    /// - Parameter files: relative paths (one level of subfolder allowed) and their bytes.
    public func write(_ files: [(path: String, bytes: [UInt8])]) throws(ReportWriteError) {
        try withSignalsDeferred { () throws(ReportWriteError) in try swapIn(files) }
    }

    private func swapIn(_ files: [(path: String, bytes: [UInt8])]) throws(ReportWriteError) {
        let staging = stagingPath(pid: getpid())
        Self.removeReport(at: staging)
        guard mkdir(staging, 0o755) == 0 else { throw failure(staging) }
        do throws(ReportWriteError) {
            try Self.writeFiles(files, into: staging)
            if let test = getenv("UXCHURN_TEST_KILL_IN_REPORT_WRITE") {  // the tests' killed or stopped run
                kill(getpid(), String(cString: test) == "TERM" ? SIGTERM : SIGKILL)
            }
            switch try checkReplaceable() {
            case .none:
                guard rename(staging, path) == 0 else { throw failure(path) }
            case .empty, .report:
                if uxchurn_exchange_paths(staging, path) == 0 {
                    Self.removeReport(at: staging)  // the old report, now under the staging name
                } else if errno == EINVAL || errno == ENOSYS {
                    try replaceInTwoSteps(staging)
                } else {
                    throw failure(path)
                }
            }
            Self.syncFolder(parent)
        } catch {
            Self.removeReport(at: staging)
            throw error
        }
    }

    /// Where exchange is not supported: the old folder aside, the new one in, the old removed.
    private func replaceInTwoSteps(_ staging: String) throws(ReportWriteError) {
        let aside = stagingPath(pid: getpid()) + "-old"
        guard rename(path, aside) == 0 else { throw failure(path) }
        guard rename(staging, path) == 0 else {
            let error = failure(path)
            rename(aside, path)
            throw error
        }
        Self.removeReport(at: aside)
    }

    private func stagingPath(pid: pid_t) -> String {
        (parent == "." ? "" : parent == "/" ? "/" : parent + "/") + ".\(base).uxchurn-\(pid)"
    }

    /// Removes the hidden folders of earlier runs into this place that were killed before they
    /// finished (their process is gone). One killed between the two renames of the fallback
    /// swap left the old report aside and no folder in place: it is put back first.
    private func removeLeftovers() {
        let hidden = ".\(base).uxchurn-"
        let prefix = parent == "." ? "" : parent == "/" ? "/" : parent + "/"
        for entry in Self.entries(parent) ?? [] where entry.hasPrefix(hidden) {
            var pidText = entry.dropFirst(hidden.count)
            let aside = pidText.hasSuffix("-old")
            if aside { pidText = pidText.dropLast(4) }
            guard let pid = Int32(pidText), pid > 0, !Self.isRunning(pid) else { continue }
            var info = stat()
            if aside, lstat(path, &info) != 0, errno == ENOENT, rename(prefix + entry, path) == 0 { continue }
            Self.removeReport(at: prefix + entry)
        }
    }

    private static func isRunning(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    // MARK: Files

    private static func writeFiles(_ files: [(path: String, bytes: [UInt8])], into folder: String) throws(ReportWriteError) {
        // The marker first, listing every file: a run killed half-way leaves a folder whose
        // files the next run can tell from anybody else's.
        let marker = ([markerHeading] + files.map(\.path)).joined(separator: "\n") + "\n"
        let all = [(path: markerName, bytes: Array(marker.utf8))] + files
        // Every file is written before any is synced: the first fsync then commits them all in
        // one journal transaction, and the others find little left to do.
        var written: [(path: String, handle: UnsafeMutablePointer<FILE>)] = []
        defer { for file in written { fclose(file.handle) } }
        for file in all {
            let full = folder + "/" + file.path
            if let sub = folderOf(file.path) {
                if mkdir(folder + "/" + sub, 0o755) != 0 && errno != EEXIST { throw failure(folder + "/" + sub) }
            }
            guard let handle = fopen(full, "wb") else { throw failure(full) }
            written.append((full, handle))
            let count = file.bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
            guard count == file.bytes.count, fflush(handle) == 0 else { throw failure(full) }
        }
        for file in written where fsync(fileno(file.handle)) != 0 { throw failure(file.path) }
        while let file = written.popLast() {
            guard fclose(file.handle) == 0 else { throw failure(file.path) }
        }
        syncFolder(folder)
    }

    /// The files a report folder's marker lists; nil without a marker.
    static func listedFiles(in folder: String) -> [String]? {
        guard let file = fopen(folder + "/" + markerName, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 20 {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[..<count])
        }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        guard lines.first == markerHeading else { return nil }
        // Only names a report writes: no way out of the folder, at most one subfolder.
        return lines.dropFirst().filter { name in
            !name.isEmpty && !name.hasPrefix("/") && name.split(separator: "/").count <= 2
                && !name.split(separator: "/").contains(where: { $0 == ".." || $0 == "." })
        }
    }

    /// Removes a report folder's listed files, its marker, its subfolders and itself; anything
    /// it does not list stays (and so does the folder then).
    static func removeReport(at folder: String) {
        guard let listed = listedFiles(in: folder) else {
            rmdir(folder)  // an empty folder, or a run killed before its marker: only if empty
            return
        }
        for name in listed { unlink(folder + "/" + name) }
        for sub in Set(listed.compactMap(folderOf)) { rmdir(folder + "/" + sub) }
        unlink(folder + "/" + markerName)
        rmdir(folder)
    }

    static func folderOf(_ relative: String) -> String? {
        relative.firstIndex(of: "/").map { String(relative[..<$0]) }
    }

    /// The names in a folder, without `.` and `..`; nil when it cannot be read.
    static func entries(_ folder: String) -> [String]? {
        guard let dir = opendir(folder) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = String(cString: uxchurn_entry_name(entry))
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The path resolved as far as it exists, else made absolute from the current folder.
    static func absolute(_ path: String) -> String {
        if let real = realPath(path) ?? realPathOfNew(path) { return real }
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        if trimmed.hasPrefix("/") { return trimmed }
        let here = realPath(".") ?? ""
        return here + "/" + (trimmed.hasPrefix("./") ? String(trimmed.dropFirst(2)) : trimmed)
    }

    /// Where a file that does not exist yet would be: its folder resolved, then its name.
    static func realPathOfNew(_ path: String) -> String? {
        guard let slash = path.lastIndex(of: "/") else { return realPath(".").map { $0 + "/" + path } }
        let folder = slash == path.startIndex ? "/" : String(path[..<slash])
        return realPath(folder).map { ($0 == "/" ? "" : $0) + "/" + path[path.index(after: slash)...] }
    }

    /// Makes a rename or new entries in `folder` durable.
    static func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    private func failure(_ path: String) -> ReportWriteError { Self.failure(path) }

    private static func failure(_ path: String) -> ReportWriteError {
        ReportWriteError(path: path, reason: String(cString: strerror(errno)))
    }

    private static func refusal(_ path: String, _ reason: String) -> ReportWriteError {
        ReportWriteError(path: path, reason: reason, isRefusal: true)
    }
}

/// Runs `body` with SIGINT, SIGTERM and SIGHUP held: a handler notes the signal, and once the
/// outermost such call returns the previous handling is put back and the signal raised. The
/// report folder's swap, and the history commit after the report, finish whole or not at all.
/// Called from the run's main thread only.
public func withSignalsDeferred<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
    deferralDepth += 1
    if deferralDepth == 1 {
        pendingSignal = 0
        previousHandlers = [SIGINT, SIGTERM, SIGHUP].map { ($0, signal($0, noteSignal)) }
    }
    defer {
        deferralDepth -= 1
        if deferralDepth == 0 {
            for (number, handler) in previousHandlers { signal(number, handler) }
            previousHandlers = []
            if pendingSignal != 0 { raise(pendingSignal) }
        }
    }
    return try body()
}

nonisolated(unsafe) private var deferralDepth = 0
/// The handling each held signal had (nil: the default, `SIG_DFL`).
nonisolated(unsafe) private var previousHandlers: [(number: Int32, handler: sighandler_t?)] = []
/// The signal that arrived while held (0: none).
nonisolated(unsafe) private var pendingSignal: Int32 = 0

private func noteSignal(_ number: Int32) {
    pendingSignal = number
}
