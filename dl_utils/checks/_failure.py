"""What a failed check raises: :class:`CheckFailed`, an AssertionError that also says which mistake it named."""


class CheckFailed(AssertionError):
    """A check's verdict that a learner's function is wrong.

    ``str(error)`` is the message the learner reads. The grader reads the attributes instead of the words.

    Attributes
    ----------
    exercise : str
        The exercise whose check failed.
    mistake : str or None
        The id of the catalogued mistake the message names as the likely cause (``Mistake.id`` in
        :mod:`dl_utils.checks.mistakes`), or None when it names none.
    """

    def __init__(self, message, exercise, mistake=None):
        super().__init__(message)
        self.exercise, self.mistake = exercise, mistake
