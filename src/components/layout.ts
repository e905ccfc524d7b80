/** LABEL_WIDTH is the label width, in grid units, of the editors' inline fields. */
export const LABEL_WIDTH = 20;

/** INPUT_WIDTH is the width, in grid units, of a text input in the editors. */
export const INPUT_WIDTH = 40;
