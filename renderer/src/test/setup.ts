import {cleanup, configure} from "@testing-library/react";
import {afterEach, vi} from "vitest";

// The test machines are shared and slow; waiting longer only costs time when a test fails.
configure({asyncUtilTimeout: 5000});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  localStorage.clear();
});

// jsdom lacks these; the app only needs them to exist.
if (!URL.createObjectURL) URL.createObjectURL = () => "blob:test";
if (!URL.revokeObjectURL) URL.revokeObjectURL = () => undefined;
if (!Element.prototype.scrollIntoView) Element.prototype.scrollIntoView = () => undefined;
