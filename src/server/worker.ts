/**
 * The reward server's worker entry (run by piscina in a worker thread): parses,
 * scores and serialises one request, so that the server's main thread only does HTTP.
 *
 * @module
 * @internal
 */
import { answerRequest } from './answer-request.js';

export { answerRequest };
export default answerRequest;
