/**
 * The dataset to serve cannot be opened; the CLI prints the message on one line. Apart from the
 * sources so the CLI can tell them without loading both the folder and the table code.
 */
export class FolderOpenError extends Error {}

export class TableOpenError extends Error {}
