/// A LAPACK routine reported a failure through its `info` code.
///
/// Each case says what the code means for the caller, never just the number:
/// `notPositiveDefinite(leadingMinor: 3)` reads "matrix is not positive definite:
/// leading minor 3 is not positive".
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Cholesky (`dpotrf`/`dposv`) found the leading minor of this order (1-based)
  /// not positive: the matrix is not positive definite.
  case notPositiveDefinite(leadingMinor: Int)
  /// LU (`dgesv`) or the inverse from a Cholesky factor (`dpotri`) met an exact
  /// zero pivot at this 1-based position: the matrix is singular.
  case singular(pivot: Int)
  /// An iterative routine (`dsyevr`, `dgesdd`) did not converge.
  case didNotConverge(routine: String, info: Int)
  /// A routine rejected its argument number `position` (a bug in Candor, reported rather than crashing).
  case illegalArgument(routine: String, position: Int)
  /// LAPACKE could not allocate its workspace.
  case outOfMemory(routine: String)
  /// The input holds NaN or infinity, which LAPACK does not accept.
  case nonFiniteInput(routine: String)

  public var description: String {
    switch self {
    case .notPositiveDefinite(let k):
      return "matrix is not positive definite: leading minor \(k) is not positive"
    case .singular(let k):
      return "matrix is singular: pivot \(k) is exactly zero"
    case .didNotConverge(let routine, let info):
      return "\(routine) did not converge (info \(info))"
    case .illegalArgument(let routine, let position):
      return "\(routine) rejected argument \(position) (an internal error in Candor; please report it)"
    case .outOfMemory(let routine):
      return "\(routine) could not allocate its workspace"
    case .nonFiniteInput(let routine):
      return "\(routine) was given NaN or infinite values"
    }
  }
}
