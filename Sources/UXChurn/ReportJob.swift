import Analysis
import LogInput
import Reports

/// This build's version, as reports and `--version` print it.
public let uxchurnVersion = "0.5.0"

/// `uxchurn report`: the pipeline's result, written as a report folder.
public enum ReportJob {
    /// The templates a run renders with: `--templates DIR`, else the embedded ones.
    ///
    /// - Throws: `RunError.configuration` for a missing or broken template.
    public static func templates(_ folder: String?) throws(RunError) -> ReportTemplates {
        do throws(TemplateError) {
            if let folder { return try ReportTemplates.load(folder: folder) }
            return try ReportTemplates.embedded()
        } catch {
            throw .configuration(error.description)
        }
    }

    /// The files of the report folder: `index.html`, `report.md`, `charts/*.svg`, `summary.json`.
    public static func files(_ result: RunResult, templates: ReportTemplates) throws(RunError) -> [(path: String, bytes: [UInt8])] {
        do throws(TemplateError) {
            return try ReportFiles.make(result, templates: templates, generator: "uxchurn \(uxchurnVersion)")
        } catch {
            throw .configuration(error.description)
        }
    }

    /// Writes the report folder into `out`, whole or not at all.
    ///
    /// - Returns: the result, whose `ingest.faults` the caller reports after writing.
    ///
    /// - Parameter junit: `--junit FILE`; when the file lies inside `out`, it is written with the
    ///   report (and listed as one of its files), else the caller writes it after.
    public static func run(_ options: RunOptions, out: String, templates folder: String? = nil,
                           junit: String? = nil) throws(RunError) -> RunResult {
        try write(options, out: out, templates: folder, junit: junit) { options, publish throws(RunError) in
            try Pipeline.run(options, publish: publish)
        }
    }

    /// Writes the folder of the result `analyse` makes (`report`: the pipeline over the logs;
    /// `merge`: the merged partial results), whole or not at all.
    static func write(_ options: RunOptions, out: String, templates folder: String?, junit: String?,
                      analyse: (RunOptions, @escaping Pipeline.Publish) throws(RunError) -> RunResult) throws(RunError) -> RunResult {
        // A folder of templates is checked before any log is read; the embedded ones (known to
        // parse) are parsed on a second thread while the logs are.
        let templates: BackgroundValue<Result<ReportTemplates, RunError>>
        if let folder {
            let given = try Self.templates(folder)
            templates = BackgroundValue(ready: .success(given))
        } else {
            templates = BackgroundValue { Result { () throws(RunError) in try Self.templates(nil) } }
        }
        do {
            let folder = try Self.folder(out, options: options)
            let junitInside = junit.flatMap { ReportFolder.relativePath(of: $0, inside: out) }
            return try analyse(options) { result throws(RunError) in
                var files = try files(result, templates: templates.wait().get())
                if let junitInside { files.append((junitInside, Array(CheckReport.make(result).junit().utf8))) }
                try write(files, to: folder)
            }
        } catch {
            // The thread is let finish: a process that exits under it can crash.
            _ = templates.wait()
            throw error
        }
    }

    /// The report folder `out`, checked before any log is read: a folder uxchurn did not write,
    /// or one holding an input or the history file, is refused (exit 2).
    static func folder(_ out: String, options: RunOptions) throws(RunError) -> ReportFolder {
        do {
            return try ReportFolder(out, protecting: options.inputs.filter { $0 != "-" } + [options.statePath].compactMap { $0 })
        } catch {
            throw error.isRefusal ? .configuration(error.description) : .input(error.description)
        }
    }

    static func write(_ files: [(path: String, bytes: [UInt8])], to folder: ReportFolder) throws(RunError) {
        do {
            try folder.write(files)
        } catch {
            throw error.isRefusal ? .configuration(error.description) : .input(error.description)
        }
    }
}
