export { AdmissionModule } from './admission.module.js';
export { AdmissionService } from './admission.service.js';
export type { Admission, AdmissionResult, Rejection } from './admission.types.js';
export { writeRejection } from './write-rejection.js';
