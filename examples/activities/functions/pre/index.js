// The pre plugins, run one after another: validate the activity's input, then enrich it.
exports.handler = async (event) => {
  if (event.step === 'validate') {
    if (!event.input || typeof event.input.document !== 'string') {
      const error = new Error('the input needs a "document" string');
      error.name = 'InvalidInput';
      throw error;
    }
    return { ok: true, length: event.input.document.length };
  }
  return { words: event.input.document.split(/\s+/).filter(Boolean).length };
};
