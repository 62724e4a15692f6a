import { z } from 'zod';

/** Axis-aligned box in source-image pixels: [x1, y1, x2, y2]. */
export const boxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);
export type Box = [number, number, number, number];
export type Point = [number, number];
