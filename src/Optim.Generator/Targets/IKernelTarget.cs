namespace ScratchOptim.Generator.Targets
{
    /// <summary>
    /// The seam between an optimizer's public surface and the code that computes its steps. The surface (constructor,
    /// hyperparameters, the signatures of <c>StepHost</c>, <c>StepElements</c> and <c>Apply</c>, their checks,
    /// documentation) is the same for every target; a target writes what runs: today the CPU's vectorized loops, later
    /// perhaps a GPU's kernels.
    /// </summary>
    internal interface IKernelTarget
    {
        /// <summary>The name the target gives a value the schedule computes once (for the documentation's list).</summary>
        string TempName(int id);

        /// <summary>Whether the kernels need the tensor's shape (a <c>shape</c> argument to <c>Apply</c>).</summary>
        bool UsesShape { get; }

        /// <summary>Whether the kernels do matrix work: <c>Apply</c> then takes the matrix workspace they keep it in.</summary>
        bool UsesMatrices { get; }

        /// <summary>How many workspace elements a tensor of a given shape needs, as a C# expression over <c>rows</c> and <c>columns</c>; null when none.</summary>
        string? WorkspaceLength { get; }

        /// <summary>The <c>StepSchedule</c> the runtime schedules the step by, as a C# expression.</summary>
        string Schedule { get; }

        /// <summary>The body of <c>StepHost&lt;T&gt;(segment, hyper, state, parameter, partials)</c>: find (and allocate) the state, run a host segment.</summary>
        void WriteStepHostBody(SourceWriter writer);

        /// <summary>The body of <c>StepElements&lt;T, TVector&gt;(phase, hyper, state, parameter, from, to, partials)</c>: find the state, run a phase over a range.</summary>
        void WriteStepElementsBody(SourceWriter writer);

        /// <summary>A procedure's case of <c>ProcedureTensor&lt;T, TVector&gt;(procedure, hyper, state, parameter)</c>: find its state, run its kernel on the tensor.</summary>
        void WriteProcedureTensorBody(SourceWriter writer);

        /// <summary>
        /// The body of <c>StepGroup(group, state)</c> for an update with group values: the group's own code around a pass
        /// over its tensors per part.
        /// </summary>
        void WriteStepGroupBody(SourceWriter writer);

        /// <summary>The last statement of <c>Apply&lt;T, TVector&gt;</c>, after the surface checked its spans.</summary>
        void WriteApplyCall(SourceWriter writer);

        /// <summary>The target's private members: the kernels.</summary>
        void WriteMembers(SourceWriter writer, string generatedCode);
    }
}
