/// What `rekey fix` (and `rekey batch`, in each clone) writes of a fix report: files a fix edits
/// together are written together, all of them or none, each through ``FileTransaction``.
public struct WrittenChanges: Sendable {
    /// Why each file not written was not.
    public private(set) var diagnostics: [Diagnostic] = []
    public private(set) var unwrittenFiles: [String] = []

    public init(writing report: Engine.FixReport) {
        for unit in report.writeUnits {
            do {
                try FileTransaction.commit(unit.map { FileTransaction.Change(path: $0.path, expected: $0.original, contents: $0.updated) })
            } catch {
                diagnostics.append(Diagnostic(path: error.path, message: "not written: \(error)"))
                for change in unit where change.path != error.path {
                    diagnostics.append(
                        Diagnostic(path: change.path, message: "not written: a fix also edits \(error.path), which could not be written"))
                }
                unwrittenFiles += unit.map(\.path)
            }
        }
    }
}
